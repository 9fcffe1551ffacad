"""The fields of the generated record models (psp_graph.model) as the ontology gives
them: the one rule for which attribute becomes which field, of what type, required or
with what default and bounds (:func:`field_rule`, :func:`node_models`, :func:`link_models`).
psp_graph.codegen writes the models from these fields, and the Validator checks one record
with them without importing pydantic and building its model: ``psp add link`` starts in a
fraction of the time.

:func:`checked` answers only when the record is plainly valid (every value already of
its field's type, within its bounds, every required field given); it then returns what
the model's ``model_dump(mode="json", exclude_none=True)`` returns. Anything else returns
None, and the pydantic model decides (and words the error) as before, so validation is
the same either way. tests/test_record_fields.py checks the fields against the generated
models and the answers against pydantic's on random records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from psp_graph.ontology import AttributeSpec, Ontology

__all__ = [
    "FieldRule",
    "ModelFields",
    "RecordFields",
    "checked",
    "field_rule",
    "link_fields",
    "link_models",
    "node_fields",
    "node_models",
]

# Attributes the Graph service fills in itself, not model fields.
_SERVICE_FIELDS = {"pseudonym"}
_BASES = {"boolean": "bool", "decimal": "decimal", "integer": "int", "date": "date"}  # others: str


@dataclass(frozen=True)
class FieldRule:
    """One field of a record model: its base type, the codes it allows (an enum), whether
    it is a list, required, its default (None: left out of a dump) and its bounds."""

    name: str
    base: str  # str | bool | int | decimal | date
    codes: frozenset[str] | None = None
    multiple: bool = False
    required: bool = False
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    enum: str | None = None  # the generated enum's name, for a field with codes

    def accepts(self, value: Any) -> bool:
        """True when the model would take the value as it is."""
        if self.multiple:
            ok = type(value) is list and all(map(self._accepts_one, value))
        else:
            ok = self._accepts_one(value)
        return ok and (self.min_length is None or len(value) >= self.min_length)

    def _accepts_one(self, value: Any) -> bool:
        kind = type(value)
        if self.base == "str":
            return kind is str and (self.codes is None or value in self.codes)
        if self.base == "bool":
            return kind is bool
        if self.base == "date":
            return kind is datetime.date
        if self.base == "int":
            ok = kind is int
        else:  # decimal
            ok = kind is Decimal and value.is_finite()
        return ok and self._within(value)

    def _within(self, value: Any) -> bool:
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )

    @staticmethod
    def json(value: Any) -> Any:
        """The value as the model dumps it in JSON mode."""
        if type(value) is list:
            return [FieldRule.json(v) for v in value]
        if type(value) is datetime.date:
            return value.isoformat()
        if type(value) is Decimal:
            return str(value)
        return value


RecordFields = dict[str, FieldRule]


class ModelFields(NamedTuple):
    """The fields of one family of generated models (node records or link records)."""

    common: list[FieldRule]  # the base model's (NodeRecord, LinkRecord), in order
    own: dict[str, list[FieldRule]]  # each model's own, by node kind or relationship type, in order


def field_rule(spec: AttributeSpec, class_name: str | None, onto: Ontology, *, required: bool) -> FieldRule:
    """The field an ontology attribute becomes in a model of ``class_name`` (None: a base
    model or a link): its type, enum, whether a list, required, default and bounds. A required
    or list field has no bounds or default in the model (a list defaults to [])."""
    vocab = onto.vocabulary_for(spec.name, class_name) if spec.datatype == "code" else None
    codes = frozenset(vocab.codes) if vocab is not None else None
    enum = vocab.name if vocab is not None else None
    base = _BASES.get(spec.datatype, "str")
    if required:
        return FieldRule(spec.name, base, codes, spec.multiple, required=True, enum=enum)
    if spec.multiple:
        return FieldRule(spec.name, base, codes, True, default=[], enum=enum)
    default = spec.default
    if default is not None and vocab is not None:
        default = str(default)
    return FieldRule(
        spec.name, base, codes, False, default=default, minimum=spec.minimum, maximum=spec.maximum, enum=enum
    )


def node_models(onto: Ontology) -> ModelFields:
    """The node record models' fields: NodeRecord's, then each kind's own (kinds sorted)."""
    node = onto.classes["Node"]
    common = [
        FieldRule("id", "str", required=True),
        FieldRule("types", "str", multiple=True, required=True, min_length=1),
    ]
    for attr in node.attributes:
        if attr in _SERVICE_FIELDS:
            continue
        if attr == "name":
            common.append(FieldRule("name", "str", required=True, min_length=1))
        else:
            common.append(field_rule(onto.attributes[attr], None, onto, required=False))
    own: dict[str, list[FieldRule]] = {}
    for kind in sorted({c.kind for c in onto.classes.values() if c.kind != "Node"}):
        cls = onto.classes[kind]
        own[kind] = [
            field_rule(onto.attributes[a], kind, onto, required=a in cls.required)
            for a in cls.attributes
            if a not in node.attributes
        ]
    return ModelFields(common, own)


def link_models(onto: Ontology) -> ModelFields:
    """The link record models' fields: LinkRecord's, then each relationship type's own."""
    common = [
        FieldRule("id", "str"),
        FieldRule("type", "str", required=True),
        FieldRule("source", "str", required=True),
        FieldRule("target", "str", required=True),
        *(field_rule(onto.attributes[a], None, onto, required=False) for a in onto.link_attributes),
    ]
    own = {
        rel.name: [
            field_rule(onto.attributes[a], None, onto, required=a in rel.required)
            for a in rel.attributes
            if a not in onto.link_attributes
        ]
        for rel in onto.relations.values()
    }
    return ModelFields(common, own)


def _by_model(models: ModelFields) -> dict[str, RecordFields]:
    return {name: {r.name: r for r in [*models.common, *own]} for name, own in models.own.items()}


def node_fields(onto: Ontology) -> dict[str, RecordFields]:
    """The fields of each node record model, by node kind (NODE_RECORDS' keys), in order."""
    return _by_model(node_models(onto))


def link_fields(onto: Ontology) -> dict[str, RecordFields]:
    """The fields of each link record model, by relationship type, in order."""
    return _by_model(link_models(onto))


def checked(fields: RecordFields, data: dict[str, Any]) -> dict[str, Any] | None:
    """What the model's ``model_dump(mode="json", exclude_none=True)`` gives for ``data``,
    when the model would take every value as it is; None when the model must decide."""
    if not fields.keys() >= data.keys():
        return None
    dumped: dict[str, Any] = {}
    for name, rule in fields.items():
        if name in data:
            value = data[name]
            if not rule.accepts(value):
                return None
            dumped[name] = FieldRule.json(value)
        elif rule.required:
            return None
        elif rule.default is not None:
            dumped[name] = list(rule.default) if rule.multiple else rule.default
    return dumped
