"""Generate psp_graph/model.py (typed pydantic models) and ontology/REFERENCE.md from the ontology.

Which attribute becomes which field, with what type and default, is decided in
psp_graph.record_fields (shared with the Validator's fast check); this module writes it out.

Run ``python -m psp_graph.codegen`` after editing ontology/psp.ttl; a test
regenerates the module and fails if the checked-in copy has drifted.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from psp_graph.ontology import NodeClass, Ontology, RelationSpec, load_ontology
from psp_graph.record_fields import FieldRule, ModelFields, link_models, node_models

__all__ = ["MODEL_PATH", "generate_model_source"]

MODEL_PATH = Path(__file__).resolve().parent / "model.py"


def _enum_member(code: str) -> str:
    member = re.sub(r"[^0-9A-Za-z]+", "_", code).upper().strip("_")
    return f"V_{member}" if member[:1].isdigit() else member


def _enum(name: str, doc: str, codes: list[str] | tuple[str, ...]) -> list[str]:
    lines = [f"class {name}(StrEnum):", f'    """{doc}"""', ""]
    lines += [f'    {_enum_member(code)} = "{code}"' for code in codes]
    return [*lines, "", ""]


# A field's base type (psp_graph.record_fields.FieldRule.base) as the model annotates it.
_ANNOTATIONS = {"str": "str", "bool": "bool", "int": "int", "decimal": "Decimal", "date": "datetime.date"}


def _field(rule: FieldRule) -> str:
    """The line that declares ``rule`` in a generated model."""
    annotation = rule.enum or _ANNOTATIONS[rule.base]
    if rule.multiple:
        annotation = f"list[{annotation}]"
    if rule.required:
        if rule.min_length is not None:
            return f"    {rule.name}: {annotation} = Field(min_length={rule.min_length})"
        return f"    {rule.name}: {annotation}"
    if rule.multiple:
        return f"    {rule.name}: {annotation} = Field(default_factory=list)"
    if rule.default is None:
        default = "None"
        annotation = f"{annotation} | None"
    elif rule.enum is not None:
        default = f"{rule.enum}.{_enum_member(str(rule.default))}"
    else:
        default = json.dumps(rule.default) if isinstance(rule.default, str) else repr(rule.default)
    constraints = [f"ge={rule.minimum}"] if rule.minimum is not None else []
    constraints += [f"le={rule.maximum}"] if rule.maximum is not None else []
    if constraints:
        return f"    {rule.name}: {annotation} = Field(default={default}, {', '.join(constraints)})"
    return f"    {rule.name}: {annotation} = {default}"


def _body(fields: list[str]) -> list[str]:
    """A class body after its docstring, and the two blank lines after the class."""
    return (["", *fields] if fields else []) + ["", ""]


def _family(
    base: str,
    what: str,
    registry: str,
    fields: ModelFields,
    named: Mapping[str, tuple[str, NodeClass | RelationSpec]],
) -> list[str]:
    """A base model, one model per node kind or relationship type (``named``: its class
    name and ontology entry), and the registry of them by key."""
    out = [
        f"class {base}(BaseModel):",
        f'    """Attributes every {what} may carry."""',
        "",
        '    model_config = ConfigDict(extra="forbid", use_enum_values=True, defer_build=True)',
        "",
        *map(_field, fields.common),
        "",
        "",
    ]
    for key, own in fields.own.items():
        name, entry = named[key]
        out += [f"class {name}({base}):", f'    """{entry.label}: {entry.comment}"""']
        out += _body([_field(rule) for rule in own])
    out += [f"{registry}: dict[str, type[{base}]] = {{"]
    out += [f'    "{key}": {named[key][0]},' for key in fields.own]
    return [*out, "}"]


def generate_model_source(onto: Ontology | None = None) -> str:
    """The full text of psp_graph/model.py for the given ontology."""
    onto = onto or load_ontology()
    out: list[str] = [
        '"""Pydantic models generated from ontology/psp.ttl. Do not edit by hand.',
        "",
        "Regenerate with ``python -m psp_graph.codegen``; tests/test_ontology.py fails",
        "when this file and the ontology disagree. The text is ruff-formatted as written.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "from decimal import Decimal",
        "from enum import StrEnum",
        "",
        "from pydantic import BaseModel, ConfigDict, Field",
        "",
        "",
    ]
    classes = [n for n in onto.classes if n != "Node"]
    out += _enum("NodeClassName", "Node classes declared in the ontology.", classes)
    out += _enum("RoleName", "Roles an actor can hold in addition to its class.", list(onto.roles))
    out += _enum("RelationType", "Relationship types declared in the ontology.", list(onto.relations))
    for vocab in onto.vocabularies.values():
        out += _enum(vocab.name, f"{vocab.label}: {vocab.comment}", vocab.codes)

    nodes = node_models(onto)
    classes_named = {kind: (f"{kind}Record", onto.classes[kind]) for kind in nodes.own}
    out += _family("NodeRecord", "node", "NODE_RECORDS", nodes, classes_named)
    out += ["", ""]
    links = link_models(onto)
    relations_named = {
        rel: ("".join(part.capitalize() for part in rel.split("_")) + "Link", onto.relations[rel])
        for rel in links.own
    }
    out += _family("LinkRecord", "link", "LINK_RECORDS", links, relations_named)
    return "\n".join(out) + "\n"


def main() -> int:
    from psp_graph.reference import REFERENCE_PATH, generate_reference

    MODEL_PATH.write_text(generate_model_source(), encoding="utf-8")
    REFERENCE_PATH.write_text(generate_reference(), encoding="utf-8")
    print(f"wrote {MODEL_PATH} and {REFERENCE_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
