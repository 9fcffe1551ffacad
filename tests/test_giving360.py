"""360Giving grant files as publishers write them: every shape loads (or is reported
row by row), organisations are identified by org-id across files, nothing silently wrong."""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.io.problems import Problems
from psp_graph.records import StoredLink

from .conftest import ROOT, store_state

EXAMPLES = ROOT / "docs" / "examples"
TITLES = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Funding Org:Identifier",
    "Funding Org:Name",
]
F1 = ("360G-fenwold", "Fenwold Community Foundation")


def grant(gid: str, recipient: tuple[str, str] | None, amount: Any = 1000, **extra: Any) -> dict[str, Any]:
    row = {
        "Identifier": gid,
        "Title": f"Grant {gid}",
        "Currency": "GBP",
        "Amount Awarded": amount,
        "Award Date": "2021-04-01",
        "Recipient Org:Identifier": recipient[0] if recipient else "",
        "Recipient Org:Name": recipient[1] if recipient else "",
        "Funding Org:Identifier": F1[0],
        "Funding Org:Name": F1[1],
    }
    row.update(extra)
    return row


def write_csv(path: Path, rows: list[dict[str, Any]], titles: list[str] | None = None) -> Path:
    header = titles or list(dict.fromkeys([*TITLES, *(k for r in rows for k in r)]))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def funds(graph: Graph) -> dict[str, StoredLink]:
    return {link.id: link for link in graph.backend.iter_links() if link.type == "FUNDS"}


def test_a_360giving_json_file_loads_grants_organisations_and_a_source() -> None:
    with Graph.open("sqlite://:memory:") as graph:
        result = load_file(graph, EXAMPLES / "grants-360giving.json")
        assert result.created == 1 + 3 + 2  # source, three organisations, two grants
        grant = graph.backend.get_link("360G-illustrative-0002")
        assert grant is not None and grant.type == "FUNDS"
        assert grant.props["amount_minor"] == 850_050 and grant.props["valid_from"] == "2021-01-20"
        assert grant.props["award_date"] == "2021-01-20"
        funder = graph.reader(include_private=True).node(grant.source)
        assert funder.id == "org:xx-illustrative-f1" and "Funder" in funder.types
        source = graph.reader(include_private=True).node(funder.props["sources"][0])
        assert source.props["kind"] == "grant_360" and source.props["file_name"] == "grants-360giving.json"
        assert len(source.props["content_hash"]) == 64 and source.props["loaded_at"] == str(
            datetime.date.today()
        )
        assert source.props["publisher"] == "Fenwold Community Foundation"  # the file's one funder
        assert load_file(graph, EXAMPLES / "grants-360giving.json").changeset is None


def test_an_organisation_already_in_the_store_is_reused_by_org_id_and_keeps_the_new_name_as_alias() -> None:
    with Graph.open("sqlite://:memory:") as graph:
        graph.add_node(
            {
                "id": "org:renters",
                "name": "Fenwold Renters",
                "types": ["CommunityGroup"],
                "identifiers": ["XX-ILLUSTRATIVE-R1"],
            }
        )
        load_file(graph, EXAMPLES / "grants-360giving.csv")
        grant = graph.backend.get_link("360G-illustrative-0003")
        assert grant is not None and grant.target == "org:renters"
        renters = graph.reader(include_private=True).node("org:renters")
        assert renters.types == ("CommunityGroup",) and renters.name == "Fenwold Renters"
        assert renters.props["aliases"] == ["Fenwold Renters Network"]
        assert grant.props["programme"] == "Neighbourhoods" and grant.props["valid_to"] == "2022-05-31"


def test_recipients_without_org_id_get_a_stable_id_from_funder_and_name_and_are_marked(
    tmp_path: Path,
) -> None:
    rows = [
        grant("G-1", ("", "Hillside Youth Club")),
        grant("G-2", ("", "hillside  youth club")),  # the same name, as typed again
        grant(
            "G-3",
            ("", "Hillside Youth Club"),
            **{"Funding Org:Identifier": "GB-CHC-2", "Funding Org:Name": "Other"},
        ),
    ]
    path = write_csv(tmp_path / "old.csv", rows)
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, path)
        links = funds(graph)
        assert links["G-1"].target == links["G-2"].target != links["G-3"].target
        club = graph.reader(include_private=True).node(links["G-1"].target)
        assert club.id.startswith("org:unreg-") and club.id.endswith("-hillside-youth-club")
        assert club.props["unregistered"] is True and not club.props.get("identifiers")
    with Graph.open("sqlite://:memory:") as again:
        load_file(again, path)
        assert funds(again)["G-1"].target == links["G-1"].target  # derived, not random


def test_one_org_id_under_two_names_is_one_node_and_two_org_ids_under_one_name_are_two(
    tmp_path: Path,
) -> None:
    rows = [
        grant("G-1", ("GB-CHC-1000147", "Tower Food Pantry"), **{"Recipient Org:Charity Number": "1000147"}),
        grant("G-2", ("GB-CHC-1000147", "Tower Food Pantry CIO")),
        grant("G-3", ("GB-COH-09999999", "Tower Food Pantry")),
    ]
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "g.csv", rows))
        links = funds(graph)
        assert links["G-1"].target == links["G-2"].target == "org:gb-chc-1000147"
        assert links["G-3"].target == "org:gb-coh-09999999"
        pantry = graph.reader(include_private=True).node("org:gb-chc-1000147")
        assert pantry.name == "Tower Food Pantry"
        assert pantry.props["aliases"] == ["Tower Food Pantry CIO", "1000147"]
        assert pantry.props["identifiers"] == ["GB-CHC-1000147"]
        assert graph.reader(include_private=True).node("org:gb-coh-09999999").props["identifiers"] == [
            "GB-COH-09999999"
        ]


def test_identity_follows_the_org_id_across_files_and_reloads_never_flip(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", [grant("A-1", ("GB-CHC-1000147", "Tower Food Pantry"))])
    second = write_csv(tmp_path / "b.csv", [grant("B-1", ("GB-CHC-1000147", "The Tower Pantry"))])
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, first)
        load_file(graph, second)
        before = store_state(graph)["nodes"]
        assert load_file(graph, first).changeset is None and load_file(graph, second).changeset is None
        assert store_state(graph)["nodes"] == before
        pantry = graph.reader(include_private=True).node("org:gb-chc-1000147")
        assert pantry.name == "Tower Food Pantry" and pantry.props["aliases"] == ["The Tower Pantry"]
        assert len(pantry.props["sources"]) == 2
        assert graph.reader().resolve("GB-CHC-1000147") == "org:gb-chc-1000147"
        assert [n.id for n in graph.reader().search("Tower Pantry")] == ["org:gb-chc-1000147"]


def test_psp_show_and_search_find_an_organisation_by_org_id_and_charity_number(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "g.csv",
        [grant("G-1", ("GB-CHC-1000147", "Tower Food Pantry"), **{"Recipient Org:Charity Number": 1000147})],
    )
    assert runner.invoke(main, ["load", str(path)]).exit_code == 0
    shown = runner.invoke(main, ["show", "GB-CHC-1000147"])
    assert shown.exit_code == 0 and "Tower Food Pantry" in shown.output
    found = runner.invoke(main, ["search", "1000147"])
    assert found.exit_code == 0 and "org:gb-chc-1000147" in found.output


def test_tolerant_titles_bom_case_spaces_and_newlines_inside_cells(tmp_path: Path) -> None:
    titles = ["\ufeffidentifier ", "TITLE", "Currency", "amount awarded", "Award Date", "Recipient Org : Identifier",
              "recipient org:name  ", "Funding Org :Identifier", "Funding Org: Name", "Description"]  # fmt: skip
    text = ",".join(titles) + "\n"
    text += 'G-1,"Two\nlines",GBP,500,2021-01-01,GB-CHC-1,"Pantry, the",360G-f,Funder,"a\nb"\n'
    text += "G-2,ok,GBP,not money,2021-01-01,GB-CHC-1,Pantry,360G-f,Funder,\n"
    path = tmp_path / "messy.csv"
    path.write_bytes(text.encode("utf-8"))
    problems = Problems()
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, path, problems=problems, skip_invalid=True)
        link = graph.backend.get_link("G-1")
        assert link is not None and link.props["note"] == "Two\nlines" and link.props["description"] == "a\nb"
        assert graph.reader(include_private=True).node(link.target).name == "Pantry, the"
    assert [(p.row, p.field, p.value) for p in problems.errors()] == [(3, "Amount Awarded", "not money")]


def test_an_xlsx_with_any_sheet_name_a_title_row_and_date_cells_loads(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Grants 2021-22"
    sheet.append(["Our grants, published under the 360Giving Data Standard"])
    sheet.append(TITLES)
    sheet.append(
        ["G-1", "t", "", "GBP", 1200, datetime.datetime(2021, 7, 9), "GB-CHC-1", "Pantry", None, *F1]
    )
    sheet.append(["G-2", "t", "", "GBP", 41133.770000000004, "09/07/2021", "GB-CHC-1", "Pantry", None, *F1])
    sheet.append(["G-3", "t", "", "GBP", 10, "2021-07-09T00:00:00+00:00", "GB-CHC-1", "Pantry", None, *F1])
    path = tmp_path / "grants.xlsx"
    book.save(path)
    problems = Problems()
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, path, problems=problems)
        links = funds(graph)
        assert {links[g].props["award_date"] for g in ("G-1", "G-2", "G-3")} == {"2021-07-09"}
        assert links["G-2"].props["amount_minor"] == 4_113_377
    assert not problems.errors()


def test_json_with_nested_extra_fields_classifications_places_and_related_activity() -> None:
    data = {
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publisher": {"name": "Fenwold Community Foundation", "identifier": "360G-fenwold"},
        "grants": [
            {
                "id": "G-1",
                "title": "Pantry",
                "description": "Cold storage for a food bank",
                "currency": "GBP",
                "amountAwarded": 0,
                "amountDisbursed": 250.5,
                "awardDate": "2021-03-01T10:00:00Z",
                "plannedDates": [{"startDate": "2021-04-01", "endDate": "2022-03-31", "duration": 12}],
                "relatedActivity": ["G-PARENT"],
                "fundingOrganization": [{"id": "360G-fenwold", "name": "Fenwold Community Foundation"}],
                "recipientOrganization": [
                    {
                        "id": "GB-CHC-1",
                        "name": "Pantry",
                        "location": [{"geoCode": "E09000030", "name": "Tower Hamlets", "geoCodeType": "LAD"}],
                    }
                ],
                "classifications": [{"title": "Food banks", "vocabulary": "x"}, {"title": "Unmapped thing"}],
                "additional_data": {"recipientRegionName": "London", "nested": {"deeper": [1, 2]}},
            }
        ],
    }
    with Graph.open("sqlite://:memory:") as graph, _json_file(data) as path:
        load_file(graph, path)
        link = funds(graph)["G-1"]
        assert link.props["amount_minor"] == 0  # a zero-amount child grant is kept
        assert link.props["amount_disbursed_minor"] == 25_050
        assert link.props["related_activity"] == ["G-PARENT"]
        assert link.props["classifications"] == ["Food banks", "Unmapped thing"]
        assert link.props["issues"] == ["issue:food-banks"] and link.props["places"] == ["E09000030"]
        assert (link.props["valid_from"], link.props["valid_to"]) == ("2021-04-01", "2022-03-31")
        assert link.props["description"] == "Cold storage for a food bank"
        source = graph.reader(include_private=True).node(link.props["sources"][0])
        assert source.props["licence"] == data["license"]


class _json_file:
    def __init__(self, data: Any) -> None:
        import tempfile

        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name) / "grants.json"
        self.path.write_text(json.dumps(data), encoding="utf-8")

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        self.dir.cleanup()


def test_grants_to_individuals_go_to_private_persons_with_opaque_ids_and_no_name(tmp_path: Path) -> None:
    rows = [
        grant("G-1", ("GB-CHC-1", "Pantry")),
        grant("G-2", None, **{"Recipient Ind:Identifier": "IND-77", "Recipient Ind:Name": "Alice Example"}),
        grant("G-3", None, **{"Recipient Ind:Identifier": "IND-77", "Recipient Ind:Name": "Alice Example"}),
    ]
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "mixed.csv", rows))
        links = funds(graph)
        person = graph.reader(include_private=True).node(links["G-2"].target)
        assert links["G-3"].target == person.id and person.types == ("Person",)
        assert person.props["privacy"] == "private" and person.name == person.props["pseudonym"]
        assert "ind-77" not in person.id and "alice" not in json.dumps(store_state(graph)).lower()
        assert links["G-2"].source == links["G-1"].source  # counted with the funder's other grants


def test_dd_mm_yyyy_dates_other_currencies_and_float_noise(tmp_path: Path) -> None:
    rows = [
        grant("G-1", ("GB-CHC-1", "P"), **{"Award Date": "31/12/2020"}),
        grant(
            "G-2",
            ("GB-CHC-1", "P"),
            amount="2,500.00",
            **{"Currency": "usd", "Award Date": "2020-12-31 14:00:00"},
        ),
        grant("G-3", ("GB-CHC-1", "P"), amount="41133.770000000004", Currency="JPY"),
    ]
    problems = Problems()
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "g.csv", rows), problems=problems)
        links = funds(graph)
        assert links["G-1"].props["award_date"] == links["G-2"].props["award_date"] == "2020-12-31"
        assert (links["G-2"].props["currency"], links["G-2"].props["amount_minor"]) == ("USD", 250_000)
        assert (links["G-3"].props["currency"], links["G-3"].props["amount_minor"]) == ("JPY", 41_134)
    assert [(p.row, p.message) for p in problems] == [(4, "rounded to minor units (pence, cents)")]


def test_regrantors_that_receive_and_give_are_typed_as_funders(tmp_path: Path) -> None:
    rows = [
        grant("G-1", ("GB-CHC-5", "Local Fund")),
        grant(
            "G-2",
            ("GB-CHC-6", "Pantry"),
            **{"Funding Org:Identifier": "GB-CHC-5", "Funding Org:Name": "Local Fund"},
        ),
    ]
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "g.csv", rows[:1]))
        assert "Funder" not in graph.reader(include_private=True).node("org:gb-chc-5").types
        load_file(graph, write_csv(tmp_path / "h.csv", rows[1:]))
        assert "Funder" in graph.reader(include_private=True).node("org:gb-chc-5").types


def test_two_different_files_with_one_name_are_two_sources(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = write_csv(tmp_path / "a" / "grants.csv", [grant("G-1", ("GB-CHC-1", "P"))])
    two = write_csv(tmp_path / "b" / "grants.csv", [grant("G-2", ("GB-CHC-1", "P"))])
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, one)
        load_file(graph, two)
        sources = {funds(graph)[g].props["sources"][0] for g in ("G-1", "G-2")}
        assert len(sources) == 2


def test_duplicate_grant_ids_with_different_data_are_reported_and_skip_invalid_keeps_the_first(
    tmp_path: Path,
) -> None:
    rows = [
        grant("G-1", ("GB-CHC-1", "P")),
        grant("G-1", ("GB-CHC-1", "P"), amount=5),
        grant("G-1", ("GB-CHC-1", "P")),
    ]
    path = write_csv(tmp_path / "dup.csv", rows)
    with Graph.open("sqlite://:memory:") as graph:
        before = store_state(graph)
        with pytest.raises(InvalidData, match=r"row 3: field 'Identifier': duplicate grant identifier"):
            load_file(graph, path)
        assert store_state(graph) == before
        problems = Problems()
        load_file(graph, path, problems=problems, skip_invalid=True)
        assert funds(graph)["G-1"].props["amount_minor"] == 100_000
        assert [p.row for p in problems] == [3]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda g: g.pop("recipientOrganization"),
            "row 2: field 'Recipient Org:Identifier': missing the recipient",
        ),
        (lambda g: g.update(amountAwarded=-5), "row 2: field 'Amount Awarded': must not be negative"),
        (lambda g: g.update(awardDate="next tuesday"), "row 2: field 'Award Date': not a date"),
        (lambda g: g.update(currency="pounds"), "row 2: field 'Currency': not an ISO 4217"),
        (lambda g: g.pop("id"), "row 2: field 'Identifier': missing"),
    ],
)
def test_a_bad_grant_writes_nothing(tmp_path: Path, change: Any, message: str) -> None:
    data = json.loads((EXAMPLES / "grants-360giving.json").read_text(encoding="utf-8"))
    change(data["grants"][1])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with Graph.open("sqlite://:memory:") as graph:
        before = store_state(graph)
        with pytest.raises(InvalidData, match=message):
            load_file(graph, path)
        assert store_state(graph) == before


def test_psp_validate_lists_every_problem_grouped_and_writes_the_report(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = [grant(f"G-{n}", ("GB-CHC-1", "P"), amount="n/a" if n % 2 else 10) for n in range(1, 8)]
    rows.append(grant("G-9", None))
    path = write_csv(tmp_path / "bad.csv", rows)
    result = runner.invoke(main, ["validate", str(path), "--report", "problems.json"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "5 errors, 0 warnings" in result.output
    assert "4 × error: Amount Awarded: not an amount of money (rows 2, 4, 6, 8)" in result.output
    assert "1 × error: Recipient Org:Identifier: missing the recipient" in result.output
    report = json.loads((tmp_path / "problems.json").read_text(encoding="utf-8"))
    assert len(report) == 5 and report[0] == {
        "file": str(path), "sheet": None, "row": 2, "level": "error", "field": "Amount Awarded", "value": "n/a",
        "message": "not an amount of money",
    }  # fmt: skip


def test_psp_load_skip_invalid_loads_the_valid_rows_in_one_change_set_and_writes_the_report(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = [
        grant("G-1", ("GB-CHC-1", "P")),
        grant("G-2", ("GB-CHC-2", "Q"), amount="abc"),
        grant("G-3", ("GB-CHC-1", "P")),
    ]
    path = write_csv(tmp_path / "some-bad.csv", rows)
    refused = runner.invoke(main, ["load", str(path)])
    assert refused.exit_code == 1 and "failed:" in refused.stderr and "row 3" in refused.stderr
    result = runner.invoke(main, ["load", "--skip-invalid", str(path)])
    assert result.exit_code == 0, result.output
    with Graph.open("sqlite:///psp.db") as graph:
        assert (
            set(funds(graph)) == {"G-1", "G-3"}
            and graph.reader(include_private=True).find("org:gb-chc-2") is None
        )
        assert len([c for c in graph.reader().changesets() if c.action == "load"]) == 1
    with (tmp_path / "some-bad.csv.problems.csv").open(encoding="utf-8") as handle:
        assert [(r["row"], r["field"]) for r in csv.DictReader(handle)] == [("3", "Amount Awarded")]


def test_psp_load_of_several_files_says_which_loaded_failed_and_were_not_tried(
    runner: CliRunner, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "a.csv", [grant("G-1", ("GB-CHC-1", "P"))])
    bad = write_csv(tmp_path / "b.csv", [grant("G-2", ("GB-CHC-1", "P"), amount="x")])
    later = write_csv(tmp_path / "c.csv", [grant("G-3", ("GB-CHC-1", "P"))])
    result = runner.invoke(main, ["load", str(good), str(bad), str(later)])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert f"loaded: {good}" in line and f"failed: {bad}: row 2" in line and f"not tried: {later}" in line


def test_zero_amount_child_grants_are_kept_but_not_counted_in_concentration(tmp_path: Path) -> None:
    from psp_graph.analysis.runner import run_query

    rows = [
        grant("G-1", ("GB-CHC-1", "P"), amount=1000),
        grant("G-2", ("GB-CHC-1", "P"), amount=0, **{"Related Activity": "G-1"}),
        grant(
            "G-3",
            ("GB-CHC-2", "Q"),
            amount=0,
            **{"Funding Org:Identifier": "GB-CHC-9", "Funding Org:Name": "Z"},
        ),
    ]
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "g.csv", rows))
        assert funds(graph)["G-2"].props["amount_minor"] == 0
        table = run_query(graph, "funding-concentration")
        overall = next(r for r in table.rows if r["issue"] == "*" and r["year"] == "*")
        assert (overall["grants"], overall["funders"], overall["hhi"]) == (1, 1, 1.0)


def test_psp_merge_joins_an_unregistered_recipient_to_its_org_id_in_one_undoable_change_set(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = [
        grant("G-1", ("", "Tower Food Pantry")),
        grant("G-2", ("GB-CHC-1000147", "Tower Food Pantry CIO")),
    ]
    path = write_csv(tmp_path / "g.csv", rows)
    assert runner.invoke(main, ["load", str(path)]).exit_code == 0
    with Graph.open("sqlite:///psp.db") as graph:
        old = funds(graph)["G-1"].target
        before = store_state(graph)
    result = runner.invoke(main, ["merge", old, "GB-CHC-1000147"])
    assert result.exit_code == 0, result.output
    with Graph.open("sqlite:///psp.db") as graph:
        assert graph.reader(include_private=True).find(old) is None
        assert funds(graph)["G-1"].target == "org:gb-chc-1000147"
        pantry = graph.reader(include_private=True).node("org:gb-chc-1000147")
        assert pantry.props["aliases"] == ["Tower Food Pantry"] and "unregistered" not in pantry.props
        merge_cs = graph.reader().changesets(limit=1)[0]
        assert merge_cs.action == "merge" and old in merge_cs.summary
    assert runner.invoke(main, ["undo", "last"]).exit_code == 0
    with Graph.open("sqlite:///psp.db") as graph:
        after = store_state(graph)
        assert after["nodes"] == before["nodes"] and after["links"] == before["links"]


def test_psp_merge_refuses_a_node_into_itself_and_unknown_ids(runner: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "g.csv", [grant("G-1", ("GB-CHC-1", "P"))])
    assert runner.invoke(main, ["load", str(path)]).exit_code == 0
    same = runner.invoke(main, ["merge", "GB-CHC-1", "org:gb-chc-1"])
    assert same.exit_code == 1 and "into itself" in same.stderr
    unknown = runner.invoke(main, ["merge", "org:nobody", "org:gb-chc-1"])
    assert unknown.exit_code == 1 and "no node 'org:nobody'" in unknown.stderr


def test_places_become_nested_place_nodes_and_filter_the_funding_queries(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = [
        grant(
            "G-1",
            ("GB-CHC-1", "P"),
            **{
                "Beneficiary Location:0:Geographic Code": "E09000030",
                "Classifications:0:Title": "Food banks",
            },
        ),
        grant(
            "G-2",
            ("GB-CHC-2", "Q"),
            **{
                "Beneficiary Location:0:Geographic Code": "E09000001",
                "Classifications:0:Title": "Food banks",
            },
        ),
        grant(
            "G-3",
            ("GB-CHC-3", "R"),
            **{"Beneficiary Location:0:Geographic Code": "E09000030", "Classifications:0:Title": "Housing"},
        ),
    ]
    assert runner.invoke(main, ["load", str(write_csv(tmp_path / "g.csv", rows))]).exit_code == 0
    with Graph.open("sqlite:///psp.db") as graph:
        tower = graph.reader(include_private=True).node("place:e09000030")
        assert (tower.name, tower.props["code"], tower.props["within"]) == (
            "Tower Hamlets",
            "E09000030",
            "place:e12000007",
        )
        assert graph.reader(include_private=True).node("place:e12000007").name == "London"

    def links(*args: str) -> list[str]:
        result = runner.invoke(main, ["query", "funding-flows", *args, "--format", "json"])
        assert result.exit_code == 0, result.output
        return sorted(row["link"] for row in json.loads(result.output))

    assert links("--place", "Tower Hamlets", "--issue", "food-poverty") == ["G-1"]
    assert links("--place", "tower hamlets") == ["G-1", "G-3"]
    assert links("--place", "London") == links("--place", "E12000007") == ["G-1", "G-2", "G-3"]
    unknown = runner.invoke(main, ["query", "funding-flows", "--place", "Tower Hamlet"])
    assert (
        unknown.exit_code == 1
        and "no place 'Tower Hamlet'" in unknown.stderr
        and "Tower Hamlets" in unknown.stderr
    )


def test_a_store_indexed_the_old_way_is_reindexed_once_and_search_finds_each_node_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Graph.open(url) as graph:
        load_file(
            graph, write_csv(tmp_path / "g.csv", [grant("G-1", ("GB-CHC-1000147", "Tower Food Pantry"))])
        )
        conn = graph.backend.conn  # type: ignore[attr-defined]
        conn.execute("DELETE FROM names_fts")  # as stores written before the rowid keying hold it
        conn.execute("INSERT INTO names_fts(node_id, name, description) SELECT id, name, '' FROM nodes")
        conn.execute("DELETE FROM meta WHERE key = 'fts_rowid'")
    with Graph.open(url) as graph:
        load_file(
            graph, write_csv(tmp_path / "h.csv", [grant("G-2", ("GB-CHC-1000147", "Tower Pantry CIO"))])
        )
        assert [n.id for n in graph.reader().search("Tower")] == ["org:gb-chc-1000147"]
        assert [n.id for n in graph.reader().search("1000147")] == ["org:gb-chc-1000147"]


def test_a_grantnav_export_with_its_own_columns_loads_with_publisher_and_licence(tmp_path: Path) -> None:
    titles = [*TITLES, "Recipient Individual Id", "Recipient Individual Name", "Recipient Org:Location:0:Geographic Code",
              "Publisher Name", "License", "Note See the datasets page for further license information."]  # fmt: skip
    common = {
        "Publisher Name": "Fenwold Community Foundation",
        "License": "https://creativecommons.org/licenses/by/4.0/",
    }
    rows = [
        grant(
            "G-1", ("GB-CHC-1", "P"), **{"Recipient Org:Location:0:Geographic Code": "E09000030"}, **common
        ),
        grant(
            "G-2",
            None,
            **{"Recipient Individual Id": "360G-ind-9", "Recipient Individual Name": "Pat Private"},
            **common,
        ),
    ]
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "grantnav_export.csv", rows, titles))
        links = funds(graph)
        assert links["G-1"].props["places"] == ["E09000030"]
        assert graph.reader(include_private=True).node(links["G-2"].target).types == ("Person",)
        source = graph.reader(include_private=True).node(links["G-1"].props["sources"][0])
        assert source.props["publisher"] == "Fenwold Community Foundation"
        assert source.props["licence"] == common["License"]
        assert "Pat" not in json.dumps(store_state(graph))


def test_an_unwritable_report_path_is_one_line_and_the_load_still_all_or_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "g.csv", [grant("G-1", ("GB-CHC-1", "P")), grant("G-2", ("GB-CHC-1", "P"), amount="x")]
    )
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path), "--report", str(tmp_path / "afile" / "r.csv")])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot write" in result.stderr


def test_a_json_file_without_grants_is_read_as_sections_not_as_360giving(tmp_path: Path) -> None:
    path = tmp_path / "actors.json"
    path.write_text(
        json.dumps({"actors": [{"name": "Quillmead Forum", "types": "CommunityGroup"}]}), encoding="utf-8"
    )
    with Graph.open("sqlite://:memory:") as graph:
        assert load_file(graph, path).created == 1


def test_a_place_map_shows_only_the_grants_for_the_place_and_their_ends(
    runner: CliRunner, tmp_path: Path
) -> None:
    from psp_graph.maps.build import MapOptions, select_map

    rows = [
        grant("G-1", ("GB-CHC-1", "P"), **{"Beneficiary Location:0:Geographic Code": "E09000030"}),
        grant("G-2", ("GB-CHC-2", "Q"), **{"Beneficiary Location:0:Geographic Code": "E09000001"}),
    ]
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "g.csv", rows))
        selection = select_map(graph, MapOptions(place="Tower Hamlets"))
        assert [link.id for link in selection.links] == ["G-1"]
        assert set(selection.nodes) == {"org:360g-fenwold", "org:gb-chc-1"}
    assert runner.invoke(main, ["load", str(tmp_path / "g.csv")]).exit_code == 0
    drawn = runner.invoke(main, ["map", "--place", "E09000030", "-o", "th.html"])
    assert drawn.exit_code == 0, drawn.output
    unknown = runner.invoke(main, ["map", "--place", "Atlantis", "-o", "x.html"])
    assert unknown.exit_code == 1 and "no place 'Atlantis'" in unknown.stderr
