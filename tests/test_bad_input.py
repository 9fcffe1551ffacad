"""Bad input gets one clear line naming file, row and field, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from psp_graph.cli import main

from .conftest import state_of

GOOD_BASE = """\
sources:
  - id: src:w1
    name: Workshop 1
    kind: workshop
actors:
  - name: Larchwood Foundation
    types: [Charity, Funder]
    sources: [src:w1]
  - name: Northbank Tenants Union
    types: [CommunityGroup]
    sources: [src:w1]
"""


@pytest.fixture
def loaded_store(runner: CliRunner, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    base = tmp_path / "base.yaml"
    base.write_text(GOOD_BASE, encoding="utf-8")
    result = runner.invoke(main, ["load", str(base), "--store", url])
    assert result.exit_code == 0, result.output
    return url


CASES: dict[str, tuple[str, bytes, list[str]]] = {
    "unknown actor type": (
        "actors.yaml",
        b"actors:\n  - name: New Group\n    types: [Charty]\n",
        ["actors.yaml: row 2: field 'types': unknown type 'Charty'", "did you mean Charity"],
    ),
    "unknown relationship type": (
        "links.csv",
        b"type,from,to\nFUNDS,org:larchwood-foundation,org:northbank-tenants-union\nFUNDZ,org:larchwood-foundation,org:northbank-tenants-union\n",
        ["links.csv: row 3: field 'type': unknown relationship type 'FUNDZ'", "did you mean FUNDS"],
    ),
    "link to a missing actor": (
        "links.yaml",
        b"links:\n  - type: FUNDS\n    from: org:larchwood-foundation\n    to: org:northbank-tenant-union\n",
        [
            "links.yaml: row 2: field 'to': no node 'org:northbank-tenant-union'",
            "did you mean org:northbank-tenants-union",
        ],
    ),
    "link whose end does not fit": (
        "links.yaml",
        b"links:\n  - type: SITS_IN\n    from: org:larchwood-foundation\n    to: org:northbank-tenants-union\n",
        ["links.yaml: row 2: field 'to': SITS_IN cannot go to CommunityGroup", "allowed to: DecisionSpace"],
    ),
    "malformed YAML": (
        "broken.yaml",
        b"actors:\n  - name: A\n    types: [Charity\n  - name: B\n",
        ["broken.yaml: row", "not valid YAML"],
    ),
    "malformed CSV": (
        "broken.csv",
        b"type,from,to\nFUNDS,org:larchwood-foundation,org:northbank-tenants-union,extra\n",
        ["broken.csv: row 2: has 4 cells, the header has 3"],
    ),
    "unterminated CSV quote": (
        "quote.csv",
        b'name,types\n"Open quote,Charity\n',
        ["quote.csv", "not valid CSV"],
    ),
    "duplicate id with conflicting data": (
        "dupes.yaml",
        b"actors:\n  - id: org:dup\n    name: First\n    types: [Charity]\n  - id: org:dup\n    name: Second\n    types: [Charity]\n",
        ["dupes.yaml: row 5: field 'id': duplicate id 'org:dup' with different data (first at row 2)"],
    ),
    "empty file": ("empty.yaml", b"   \n", ["empty.yaml: the file is empty"]),
    "empty CSV": ("empty.csv", b"", ["empty.csv: the file is empty"]),
    "non-UTF-8 file": (
        "latin1.csv",
        "name,types\nCaf\u00e9 Collective,CommunityGroup\n".encode("latin-1"),
        ["latin1.csv: row 2: not UTF-8 text"],
    ),
    "negative money": (
        "money.yaml",
        b"links:\n  - type: FUNDS\n    from: org:larchwood-foundation\n    to: org:northbank-tenants-union\n    amount: -500\n",
        ["money.yaml: row 2: field 'amount': must not be negative"],
    ),
    "money that is not a number": (
        "money.csv",
        b"type,from,to,amount\nFUNDS,org:larchwood-foundation,org:northbank-tenants-union,lots\n",
        ["money.csv: row 2: field 'amount': 'lots' is not an amount of money"],
    ),
    "unknown attribute": (
        "attr.yaml",
        b"links:\n  - type: INVOLVES\n    from: org:larchwood-foundation\n    to: org:northbank-tenants-union\n    rung: consultation\n    strenght: 3\n",
        ["attr.yaml: row 2: field 'strenght': 'strenght' is not an attribute of INVOLVES"],
    ),
    "missing required attribute": (
        "rung.yaml",
        b"links:\n  - type: INVOLVES\n    from: org:larchwood-foundation\n    to: org:northbank-tenants-union\n",
        ["rung.yaml: row 2: field 'rung': INVOLVES needs 'rung'"],
    ),
    "value outside a vocabulary": (
        "rung.yaml",
        b"links:\n  - type: INVOLVES\n    from: org:larchwood-foundation\n    to: org:northbank-tenants-union\n    rung: consultaton\n",
        ["field 'rung': 'consultaton' is not allowed; did you mean consultation"],
    ),
    "strength out of range": (
        "influence.yaml",
        b"links:\n  - type: INFLUENCES\n    from: org:larchwood-foundation\n    to: org:northbank-tenants-union\n    strength: 9\n",
        ["influence.yaml: row 2: field 'strength'", "less than or equal to 5"],
    ),
    "self link": (
        "self.yaml",
        b"links:\n  - type: PARTNERS_WITH\n    from: org:larchwood-foundation\n    to: org:larchwood-foundation\n",
        ["self.yaml: row 2: field 'to': a link cannot go from org:larchwood-foundation to itself"],
    ),
    "bad date": (
        "dates.yaml",
        b"links:\n  - type: FUNDS\n    from: org:larchwood-foundation\n    to: org:northbank-tenants-union\n    valid_from: 2020-13-45\n",
        ["dates.yaml: row 2: field 'valid_from'", "not a valid date"],
    ),
    "unknown section": (
        "sections.yaml",
        b"actor:\n  - name: A\n    types: [Charity]\n",
        ["sections.yaml: unknown section 'actor'; did you mean actors"],
    ),
    "person without an opaque id": (
        "people.yaml",
        b"actors:\n  - name: Sam Smith\n    types: [Person]\n",
        ["people.yaml: row 2: field 'id': persons need an opaque id"],
    ),
    "id with the wrong prefix": (
        "prefix.yaml",
        b"actors:\n  - id: issue:larchwood\n    name: Larchwood\n    types: [Charity]\n",
        ["prefix.yaml: row 2: field 'id': ids of Charity start with 'org:'"],
    ),
    "missing source": (
        "cite.yaml",
        b"actors:\n  - name: A\n    types: [Charity]\n    sources: [src:nowhere]\n",
        ["cite.yaml: row 2: field 'sources': no node 'src:nowhere'"],
    ),
    "file type not known": ("data.txt", b"hello", ["data.txt: unknown file type '.txt'"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_rejected_with_one_line_and_writes_nothing(
    case: str, runner: CliRunner, loaded_store: str, tmp_path: Path
) -> None:
    name, content, fragments = CASES[case]
    # A good record first: all-or-nothing means it must not be written either.
    path = tmp_path / name
    path.write_bytes(content)
    before = state_of(loaded_store)
    for command in ("load", "validate"):
        result = runner.invoke(main, [command, str(path), "--store", loaded_store])
        assert result.exit_code == 1, (command, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        for fragment in fragments:
            assert fragment in lines[0], lines[0]
    assert state_of(loaded_store) == before


def test_a_good_record_before_a_bad_one_is_not_written(
    runner: CliRunner, loaded_store: str, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_text(
        "actors:\n  - name: Brand New Org\n    types: [Charity]\n"
        "links:\n  - type: FUNDS\n    from: org:brand-new-org\n    to: org:missing\n",
        encoding="utf-8",
    )
    before = state_of(loaded_store)
    assert runner.invoke(main, ["load", str(path), "--store", loaded_store]).exit_code == 1
    assert state_of(loaded_store) == before


def test_files_before_a_bad_file_stay_loaded_and_the_bad_one_is_named(
    runner: CliRunner, loaded_store: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("name,types,sources\nGood Org,Charity,src:w1\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,types\nBad Org,Charty\n", encoding="utf-8")
    result = runner.invoke(main, ["load", str(good), str(bad), "--store", loaded_store])
    assert result.exit_code == 1
    assert "good.csv: change set" in result.stdout
    assert "bad.csv: row 2: field 'types'" in result.stderr
    names = {n["name"] for n in state_of(loaded_store)["nodes"]}
    assert "Good Org" in names and "Bad Org" not in names


def test_xlsx_without_known_sheets_is_a_clear_error(
    runner: CliRunner, loaded_store: str, tmp_path: Path
) -> None:
    import openpyxl

    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.save(path)
    result = runner.invoke(main, ["load", str(path), "--store", loaded_store])
    assert result.exit_code == 1
    assert "book.xlsx: no records; name sheets like the sections" in result.stderr


def test_a_file_that_is_not_a_workbook_is_a_clear_error(
    runner: CliRunner, loaded_store: str, tmp_path: Path
) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    result = runner.invoke(main, ["load", str(path), "--store", loaded_store])
    assert result.exit_code == 1 and "fake.xlsx: not a valid .xlsx workbook" in result.stderr


def test_missing_file_is_a_clear_error(runner: CliRunner, loaded_store: str, tmp_path: Path) -> None:
    result = runner.invoke(main, ["load", str(tmp_path / "nope.yaml"), "--store", loaded_store])
    assert result.exit_code == 1 and "nope.yaml: file not found" in result.stderr
