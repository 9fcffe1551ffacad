"""Generate psp_graph/model.py (typed pydantic models) and ontology/REFERENCE.md from the ontology.

Run ``python -m psp_graph.codegen`` after editing ontology/psp.ttl; a test
regenerates the module and fails if the checked-in copy has drifted.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from psp_graph.ontology import AttributeSpec, Ontology, load_ontology

__all__ = ["MODEL_PATH", "generate_model_source"]

MODEL_PATH = Path(__file__).resolve().parent / "model.py"

# Attributes the Graph service fills in or handles itself, not taken from input as-is.
_SERVICE_FIELDS = {"pseudonym"}


def _enum_member(code: str) -> str:
    member = re.sub(r"[^0-9A-Za-z]+", "_", code).upper().strip("_")
    return f"V_{member}" if member[:1].isdigit() else member


def _enum(name: str, doc: str, codes: list[str] | tuple[str, ...]) -> list[str]:
    lines = [f"class {name}(StrEnum):", f'    """{doc}"""', ""]
    lines += [f'    {_enum_member(code)} = "{code}"' for code in codes]
    return [*lines, "", ""]


def _annotation(spec: AttributeSpec, class_name: str | None, onto: Ontology) -> str:
    vocab = onto.vocabulary_for(spec.name, class_name) if spec.datatype == "code" else None
    base = {
        "string": "str",
        "uri": "str",
        "boolean": "bool",
        "decimal": "Decimal",
        "integer": "int",
        "date": "datetime.date",
        "ref": "str",
    }.get(spec.datatype, "str")
    if vocab is not None:
        base = vocab.name
    return f"list[{base}]" if spec.multiple else base


def _field(spec: AttributeSpec, class_name: str | None, onto: Ontology, *, required: bool) -> str:
    annotation = _annotation(spec, class_name, onto)
    vocab = onto.vocabulary_for(spec.name, class_name) if spec.datatype == "code" else None
    constraints = []
    if spec.minimum is not None:
        constraints.append(f"ge={spec.minimum}")
    if spec.maximum is not None:
        constraints.append(f"le={spec.maximum}")
    if required:
        return f"    {spec.name}: {annotation}"
    elif spec.multiple:
        default = "[]"
    elif spec.default is not None and vocab is not None:
        default = f"{vocab.name}.{_enum_member(str(spec.default))}"
    elif spec.default is not None:
        default = json.dumps(spec.default) if isinstance(spec.default, str) else repr(spec.default)
    else:
        default = "None"
        annotation = f"{annotation} | None"
    if default == "[]":
        return f"    {spec.name}: {annotation} = Field(default_factory=list)"
    if constraints:
        return f"    {spec.name}: {annotation} = Field(default={default}, {', '.join(constraints)})"
    return f"    {spec.name}: {annotation} = {default}"


def _body(fields: list[str]) -> list[str]:
    """A class body after its docstring, and the two blank lines after the class."""
    return (["", *fields] if fields else []) + ["", ""]


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

    node = onto.classes["Node"]
    out += [
        "class NodeRecord(BaseModel):",
        '    """Attributes every node may carry."""',
        "",
        '    model_config = ConfigDict(extra="forbid", use_enum_values=True, defer_build=True)',
        "",
        "    id: str",
        "    types: list[str] = Field(min_length=1)",
    ]
    for attr in node.attributes:
        if attr in _SERVICE_FIELDS:
            continue
        spec = onto.attributes[attr]
        if attr == "name":
            out.append("    name: str = Field(min_length=1)")
            continue
        out.append(_field(spec, None, onto, required=False))
    out += ["", ""]
    record_names: dict[str, str] = {}
    for kind in sorted({c.kind for c in onto.classes.values() if c.kind != "Node"}):
        cls = onto.classes[kind]
        own = [a for a in cls.attributes if a not in node.attributes]
        name = f"{kind}Record"
        record_names[kind] = name
        out += [f"class {name}(NodeRecord):", f'    """{cls.label}: {cls.comment}"""']
        out += _body([_field(onto.attributes[a], kind, onto, required=a in cls.required) for a in own])
    out += ["NODE_RECORDS: dict[str, type[NodeRecord]] = {"]
    out += [f'    "{kind}": {name},' for kind, name in record_names.items()]
    out += ["}", "", ""]

    out += [
        "class LinkRecord(BaseModel):",
        '    """Attributes every link may carry."""',
        "",
        '    model_config = ConfigDict(extra="forbid", use_enum_values=True, defer_build=True)',
        "",
        "    id: str | None = None",
        "    type: str",
        "    source: str",
        "    target: str",
    ]
    out += [_field(onto.attributes[a], None, onto, required=False) for a in onto.link_attributes]
    out += ["", ""]
    link_names: dict[str, str] = {}
    for rel in onto.relations.values():
        own = [a for a in rel.attributes if a not in onto.link_attributes]
        name = "".join(part.capitalize() for part in rel.name.split("_")) + "Link"
        link_names[rel.name] = name
        out += [f"class {name}(LinkRecord):", f'    """{rel.label}: {rel.comment}"""']
        out += _body([_field(onto.attributes[a], None, onto, required=a in rel.required) for a in own])
    out += ["LINK_RECORDS: dict[str, type[LinkRecord]] = {"]
    out += [f'    "{rel}": {name},' for rel, name in link_names.items()]
    out += ["}"]
    return "\n".join(out) + "\n"


def main() -> int:
    from psp_graph.reference import REFERENCE_PATH, generate_reference

    MODEL_PATH.write_text(generate_model_source(), encoding="utf-8")
    REFERENCE_PATH.write_text(generate_reference(), encoding="utf-8")
    print(f"wrote {MODEL_PATH} and {REFERENCE_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
