"""The record fields read from the ontology (psp_graph.record_fields) are the generated
pydantic models' fields, and a record they pass is dumped exactly as the model dumps it;
anything else is left to the model. So ``psp add`` validates without building a model
when it can, and the same records pass and fail as before."""

from __future__ import annotations

import datetime
import enum
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from psp_graph.graph import Graph
from psp_graph.model import LINK_RECORDS, NODE_RECORDS
from psp_graph.ontology import load_ontology
from psp_graph.record_fields import FieldRule, checked, link_fields, node_fields

ONTO = load_ontology()
NODES = node_fields(ONTO)
LINKS = link_fields(ONTO)
MODELS: dict[str, tuple[Any, dict[str, FieldRule]]] = {
    **{f"node {k}": (NODE_RECORDS[k], NODES[k]) for k in NODE_RECORDS},
    **{f"link {k}": (LINK_RECORDS[k], LINKS[k]) for k in LINK_RECORDS},
}
_BASE = {str: "str", bool: "bool", int: "int", Decimal: "decimal", datetime.date: "date"}


def _described(annotation: Any) -> tuple[str, frozenset[str] | None, bool]:
    """(base, enum codes, is a list) of a model field's annotation, ``X | None`` unwrapped."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
    multiple = typing.get_origin(annotation) is list
    if multiple:
        (annotation,) = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "str", frozenset(m.value for m in annotation), multiple
    return _BASE[annotation], None, multiple


def test_every_model_has_its_fields() -> None:
    assert NODES.keys() == NODE_RECORDS.keys() and LINKS.keys() == LINK_RECORDS.keys()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_fields_are_the_models_fields(name: str) -> None:
    model, fields = MODELS[name]
    assert list(fields) == list(model.model_fields)
    for field, info in model.model_fields.items():
        rule = fields[field]
        assert (rule.base, rule.codes, rule.multiple) == _described(info.annotation), field
        assert rule.required == info.is_required(), field
        if not info.is_required():
            default = info.get_default(call_default_factory=True)
            assert rule.default == (default.value if isinstance(default, enum.Enum) else default), field
        bounds = {type(m).__name__: m for m in info.metadata}
        assert rule.minimum == (bounds["Ge"].ge if "Ge" in bounds else None), field
        assert rule.maximum == (bounds["Le"].le if "Le" in bounds else None), field
        assert rule.min_length == (bounds["MinLen"].min_length if "MinLen" in bounds else None), field
        assert set(bounds) <= {"Ge", "Le", "MinLen"}, field


def _values(rule: FieldRule) -> st.SearchStrategy[Any]:
    """Values a record may hold for the field after the validator's parsing: mostly of the
    field's type, some out of bounds, some of another type."""
    codes = sorted(rule.codes or ())
    one: st.SearchStrategy[Any] = {
        "str": st.sampled_from(codes) if codes else st.text(max_size=5),
        "bool": st.booleans(),
        "int": st.integers(-2, 8),
        "decimal": st.decimals(min_value=-5, max_value=10**9, places=2)
        | st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("1E+3")]),
        "date": st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 1, 1)),
    }[rule.base]
    odd = st.sampled_from(["", "x", "public", "3", 3, 2.5, True, None, [], ["a"], datetime.date(2020, 1, 1)])
    plain = st.lists(one, max_size=3) if rule.multiple else one
    other = (odd | st.lists(odd, max_size=2)) if rule.multiple else odd
    return st.floats(0, 1).flatmap(lambda p: other if p < 0.04 else plain)


@st.composite
def _record(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(MODELS)))
    fields = MODELS[name][1]
    given_fields = draw(st.lists(st.sampled_from(list(fields)), unique=True, max_size=4))
    required = [f for f, r in fields.items() if r.required and draw(st.floats(0, 1)) < 0.97]
    data = {f: draw(_values(fields[f])) for f in dict.fromkeys([*required, *given_fields])}
    if draw(st.floats(0, 1)) < 0.02:
        data["not_a_field"] = "x"
    return name, data


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_record())
def test_a_record_passed_is_dumped_as_the_model_dumps_it(case: tuple[str, dict[str, Any]]) -> None:
    name, data = case
    model, fields = MODELS[name]
    ours = checked(fields, data)
    try:
        theirs = model.model_validate(data).model_dump(mode="json", exclude_none=True)
    except ValidationError:
        assert ours is None, f"{name}: passed what the model refuses: {data}"
        return
    if ours is not None:
        assert ours == theirs and list(ours) == list(theirs)


def test_plain_records_take_the_fast_path() -> None:
    """The records psp add makes: checked without the model."""
    link = {
        "type": "FUNDS",
        "source": "org:a",
        "target": "org:b",
        "amount": Decimal("250.00"),
        "sources": ["src:x"],
    }
    assert checked(LINKS["FUNDS"], link) == {
        "type": "FUNDS",
        "source": "org:a",
        "target": "org:b",
        "illustrative": False,
        "sources": ["src:x"],
        "amount": "250.00",
        "classifications": [],
        "currency": "GBP",
        "issues": [],
        "places": [],
        "related_activity": [],
    }
    node = {"id": "org:a", "types": ["Charity"], "name": "A", "privacy": "public"}
    assert checked(NODES["Actor"], node) is not None
    assert checked(NODES["Actor"], {**node, "privacy": "secret"}) is None  # the model words the error
    assert (
        checked(LINKS["INFLUENCES"], {"type": "INFLUENCES", "source": "a", "target": "b", "strength": 6})
        is None
    )


def test_psp_add_link_and_show_do_not_import_pydantic(tmp_path: Path) -> None:
    """The everyday commands start fast: a plain link is added, and shown, without the models."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'plain.db'}"
    with Graph.open(url) as graph:
        for slug in ("a", "b"):
            graph.add({"id": f"org:{slug}", "name": slug.upper(), "types": ["Charity"], "illustrative": True})
    code = (
        "import sys; from psp_graph.cli_entry import main; sys.argv = ['psp', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "print('pydantic' in sys.modules, 'psp_graph.model' in sys.modules)"
    )
    add = ["add", "link", "--type", "FUNDS", "--from", "org:a", "--to", "org:b", "--set", "amount=250"]
    for args in ([*add, "--source", "Grant letter", "--store", url], ["show", "org:a", "--store", url]):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        assert out.stdout.endswith("False False\n"), out.stdout + out.stderr
    with Graph.open(url, read_only=True) as graph:
        (grant,) = graph.reader().links_of("org:a")
    assert grant.props["amount_minor"] == 25000 and grant.props["currency"] == "GBP"
