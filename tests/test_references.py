"""The references a batch makes are found in one place (psp_graph.references), for the
Graph service's check and the load screen alike; the loader's parts stay importable
from the modules they were imported from before they were split."""

from __future__ import annotations

import importlib

import pytest

from psp_graph.exc import InvalidData
from psp_graph.records import RawRecord, StoredLink, StoredNode
from psp_graph.references import check_kind, referenced_ids

RAW = RawRecord("f.yaml", 1, "actors", {})


def test_referenced_ids_names_every_kind_of_reference() -> None:
    nodes = {
        "issue:sub": (StoredNode("issue:sub", ("Issue",), ("Issue",), "Sub", {"broader": "issue:top"}), RAW),
        "org:a": (
            StoredNode("org:a", ("Charity",), ("Charity", "Actor"), "A", {"sources": ["src:one"]}),
            RAW,
        ),
    }
    link = StoredLink("l1", "FUNDS", "org:f", "org:a", {"sources": ["src:two"], "issues": ["issue:x"]})
    cites = {"org:old": (["src:three"], RAW)}
    found = referenced_ids(nodes, {"l1": (link, RAW)}, cites)
    assert found == {"issue:top", "src:one", "org:f", "org:a", "src:two", "issue:x", "org:old", "src:three"}
    assert referenced_ids(nodes, {}) == {"issue:top", "src:one"}  # citations are optional


def test_check_kind_names_the_field_and_both_kinds() -> None:
    node = StoredNode("org:a", ("Charity",), ("Charity", "Actor"), "A")
    check_kind("org:a", node, ("Source", "Actor"), "sources")  # one of the labels is enough
    with pytest.raises(InvalidData) as err:
        check_kind("org:a", node, "Issue", "issues")
    assert err.value.field == "issues" and "'org:a' is a Charity, not a Issue" in err.value.reason


@pytest.mark.parametrize(
    ("module", "names"),
    [
        ("psp_graph.io.load", ["PART_SIZE", "Checked", "Progress", "check_file", "load_file"]),
        (
            "psp_graph.io.readers",
            ["MAX_CELL_CHARS", "MAX_DEPTH", "MAX_FILE_BYTES", "SECTIONS", "read_records"],
        ),
        ("psp_graph.io.giving360", ["FileMeta", "StoreLookup", "records_from_360giving"]),
        ("psp_graph.validate", ["SECTION_KINDS", "RawRecord", "Validator"]),
    ],
)
def test_public_names_stay_where_they_were(module: str, names: list[str]) -> None:
    loaded = importlib.import_module(module)
    assert set(names) <= set(loaded.__all__)
    assert all(hasattr(loaded, name) for name in names)
