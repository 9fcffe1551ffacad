"""Turn one raw record (a dict from a file or the CLI) into a stored node or link.

Checks everything that can be checked on the record alone against the
ontology; references to other nodes are checked by the Graph service
(psp_graph.references). Each value is read as its attribute says
(psp_graph.attribute_values); the fields come from psp_graph.record_fields.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any, TypeVar

from psp_graph.attribute_values import AttributeReader
from psp_graph.exc import InvalidData
from psp_graph.ids import ID_PATTERN, keyed_link_id, slugify
from psp_graph.ontology import NodeClass, Ontology, RelationSpec, did_you_mean
from psp_graph.privacy import kind_words, opaque_id, pseudonym_for
from psp_graph.record_fields import RecordFields, checked, link_fields, node_fields
from psp_graph.records import RawRecord, StoredLink, StoredNode, check_index_limits
from psp_graph.values import (
    minor_units,
    parse_list,
)

__all__ = ["SECTION_KINDS", "RawRecord", "Validator"]


# YAML section -> the node kind its records default to.
SECTION_KINDS = {
    "sources": "Source",
    "actors": "Actor",
    "issues": "Issue",
    "resources": "Resource",
    "decision_spaces": "DecisionSpace",
    "initiatives": "Initiative",
    # the community of practice's learning (issue 12)
    "events": "Event",
    "pinboard": "PinboardItem",
    "burning_issues": "BurningIssue",
    "insights": "Insight",
    "stories": "Story",
    "practice_examples": "PracticeExample",
    "pilots": "Pilot",
    "recommendations": "Recommendation",
    "places": "Place",
}
_LINK_ALIASES = {"from": "source", "to": "target", "relationship": "type", "rel": "type"}
# Attributes added with grant data: stored only when not empty (or true), so records
# without them are stored exactly as before.
_OMIT_EMPTY = frozenset({"aliases", "classifications", "places", "related_activity", "unregistered"})


@functools.lru_cache(maxsize=4096)  # files repeat a few keys on every record
def _clean_key(key: str) -> str:
    return re.sub(r"[\s-]+", "_", key.strip().lower())


def _clean_keys(data: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        name = _clean_key(str(key))
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # empty cells mean "not given"
        cleaned[name] = value.strip() if isinstance(value, str) else value
    return cleaned


def _check_period(data: dict[str, Any]) -> None:
    start, end = data.get("valid_from"), data.get("valid_to")
    if start is not None and end is not None and start > end:
        raise InvalidData(f"ends ({end}) before it starts ({start})", field="valid_to")


_Made = TypeVar("_Made", StoredNode, StoredLink)


def _made(make: Callable[[RawRecord], _Made], raw: RawRecord) -> _Made:
    """``make(raw)``, its ids and names within the index limits; errors placed at ``raw``."""
    try:
        item = make(raw)
        check_index_limits(item)
        return item
    except InvalidData as err:
        raise err.located(file=raw.file, row=raw.row, sheet=raw.sheet) from None


def _stored(props: dict[str, Any], fixed: tuple[str, ...]) -> dict[str, Any]:
    """A record's dump as stored attributes: without the ``fixed`` fields kept apart (id,
    types, ends…) and without the grant-data attributes left empty."""
    return {
        k: v for k, v in props.items() if k not in fixed and (k not in _OMIT_EMPTY or v not in ([], False))
    }


def _to_minor_units(props: dict[str, Any], attr: str, amount: Any) -> None:
    """Store the money ``attr`` (its value ``amount``) as ``{attr}_minor``, whole minor units
    of the record's currency."""
    props[f"{attr}_minor"] = minor_units(amount, props.get("currency", "GBP"))
    del props[attr]


class Validator:
    """Validates records against one ontology."""

    def __init__(self, onto: Ontology) -> None:
        self.onto = onto
        self._node_fields = node_fields(onto)
        self._link_fields = link_fields(onto)
        self._values = AttributeReader(onto)

    # -- nodes ---------------------------------------------------------------
    def node(self, raw: RawRecord) -> StoredNode:
        """A validated node, or InvalidData naming the field."""
        return _made(self._node, raw)

    def _node(self, raw: RawRecord) -> StoredNode:
        data = _clean_keys(raw.data)
        cls, roles = self._node_types(data, raw.section)
        data["types"] = [cls.name, *[r.name for r in roles]]
        data["id"] = self._node_id(data, cls)
        fields = self._node_fields[cls.kind]  # the model's fields (psp_graph.record_fields)
        allowed = [f for f in fields if f not in {"id", "types"}]
        self._read_values(data, {"id", "types"}, fields, cls.name, allowed, cls.name)
        model, props = self._checked("node", cls.kind, fields, data)
        _check_period(data)
        props = _stored(props, ("id", "types", "name"))
        if "amount" in props:
            _to_minor_units(props, "amount", model.amount)
        if "privacy" not in props:
            props["privacy"] = cls.default_privacy or "public"
        if cls.kind == "Story" and not props.get("consent_to_share"):
            raise InvalidData("a story is recorded only with the teller's consent", field="consent_to_share")
        if cls.name == "Person" or props["privacy"] != "public":
            props["pseudonym"] = pseudonym_for(model.id, kind_words(cls.name))
        return StoredNode(
            id=model.id,
            types=tuple(data["types"]),
            labels=self.onto.labels_for(data["types"]),
            name=model.name,
            props=props,
        )

    def _node_types(self, data: dict[str, Any], section: str) -> tuple[NodeClass, list[NodeClass]]:
        raw_types = parse_list(data.pop("types", None) or data.pop("type", None))
        default_kind = SECTION_KINDS.get(section)
        if not raw_types:
            if default_kind in (None, "Actor"):
                raise InvalidData("missing; give the actor's class, e.g. Charity", field="types")
            raw_types = [default_kind]
        resolved = []
        for text in raw_types:
            try:
                resolved.append(self.onto.node_type(str(text)))
            except InvalidData as err:
                raise InvalidData(err.reason, field="types") from None
        classes = [t for t in resolved if not t.is_role]
        roles = [t for t in resolved if t.is_role]
        if len(classes) != 1:
            names = ", ".join(c.name for c in classes) or "none"
            raise InvalidData(f"needs exactly one class, got {names}", field="types")
        cls = classes[0]
        if cls.name in {"Node", "Actor"}:
            raise InvalidData(f"{cls.name} is abstract; choose a more specific class", field="types")
        if roles and cls.kind != "Actor":
            raise InvalidData(f"roles such as {roles[0].name} apply only to actors", field="types")
        if default_kind and cls.kind != default_kind:
            raise InvalidData(f"{cls.name} does not belong in section '{section}'", field="types")
        return cls, roles

    def _node_id(self, data: dict[str, Any], cls: NodeClass) -> str:
        prefix = cls.id_prefix
        given = data.get("id")
        if given is None:
            if cls.name == "Person":
                raise InvalidData(
                    "persons need an opaque id that is not derived from their name, "
                    "e.g. person:k7q2m9xa3b (psp add actor makes one)",
                    field="id",
                )
            if "name" not in data:
                raise InvalidData("missing", field="name")
            if data.get("privacy", "public") != "public":  # an id must not show a private name
                return opaque_id(prefix or "node", str(data["name"]))
            return f"{prefix}:{slugify(str(data['name']))}"
        node_id = str(given).strip()
        if ":" not in node_id and prefix:
            node_id = f"{prefix}:{node_id}"
        if not ID_PATTERN.match(node_id):
            raise InvalidData(
                f"'{node_id}' is not an id; use lowercase letters, digits and dashes, like {prefix}:my-name",
                field="id",
            )
        if prefix and not node_id.startswith(prefix + ":"):
            raise InvalidData(f"ids of {cls.name} start with '{prefix}:', got '{node_id}'", field="id")
        if cls.name == "Person":
            token = node_id.split(":", 1)[1]
            words = [w for w in re.findall(r"[a-z0-9]+", slugify(str(data.get("name", "")))) if len(w) >= 3]
            if any(w in token for w in words):
                raise InvalidData(
                    f"'{node_id}' is made from the person's name; use an opaque id such as person:k7q2m9xa3b",
                    field="id",
                )
        return node_id

    @staticmethod
    def made_private(node: StoredNode) -> StoredNode:
        """The node marked private, under an opaque id (a slug would show its name) and the
        stable pseudonym it is then shown by."""
        new_id = opaque_id(node.id.split(":", 1)[0], node.name)
        pseudonym = pseudonym_for(new_id, kind_words(node.types[0]))
        props = {**node.props, "privacy": "private", "pseudonym": pseudonym}
        return dataclasses.replace(node, id=new_id, props=props)

    # -- citations -----------------------------------------------------------
    def citation(self, raw: RawRecord) -> tuple[str, list[str]]:
        """A citation record (``id`` of a stored node, ``sources`` that also cite it): the
        node's id and the source ids, or InvalidData naming the field."""
        try:
            data = _clean_keys(raw.data)
            unknown = sorted(set(data) - {"id", "sources"})
            if unknown:
                raise InvalidData(
                    f"'{unknown[0]}' is not a field of a citation (id, sources)", field=unknown[0]
                )
            node_id = str(data.get("id", "")).strip()
            if not ID_PATTERN.match(node_id):
                raise InvalidData(f"'{node_id}' is not an id", field="id")
            sources = self._values.read("sources", data.get("sources"), None)
            if not sources:
                raise InvalidData("missing", field="sources")
            return node_id, sources
        except InvalidData as err:
            raise err.located(file=raw.file, row=raw.row, sheet=raw.sheet) from None

    # -- links ---------------------------------------------------------------
    def link(self, raw: RawRecord) -> StoredLink:
        """A validated link (ends not yet checked against the store)."""
        return _made(self._link, raw)

    def _link(self, raw: RawRecord) -> StoredLink:
        data = {_LINK_ALIASES.get(k, k): v for k, v in _clean_keys(raw.data).items()}
        if "type" not in data:
            raise InvalidData("missing; give a relationship type such as FUNDS", field="type")
        try:
            rel = self.onto.relation(str(data["type"]))
        except InvalidData as err:
            raise InvalidData(err.reason, field="type") from None
        data["type"] = rel.name
        for end in ("source", "target"):
            if end not in data:
                raise InvalidData("missing", field="from" if end == "source" else "to")
            data[end] = str(data[end]).strip()
        if data["source"] == data["target"]:
            raise InvalidData(f"a link cannot go from {data['source']} to itself", field="to")
        fields = self._link_fields[rel.name]  # the model's fields (psp_graph.record_fields)
        self._read_values(data, {"id", "type", "source", "target"}, fields, rel.name, rel.attributes, None)
        for attr in rel.required:
            if attr not in data:
                raise InvalidData(f"{rel.name} needs '{attr}'", field=attr)
        model, props = self._checked("link", rel.name, fields, data)
        _check_period(data)
        props = _stored(props, ("id", "type", "source", "target"))
        if "amount_disbursed" in props:
            _to_minor_units(props, "amount_disbursed", model.amount_disbursed)
        if "amount" in props:
            _to_minor_units(props, "amount", model.amount)
        elif "currency" in props and rel.name == "FUNDS":
            del props["currency"]  # a currency with no amount says nothing
        source, target = model.source, model.target
        if rel.symmetric and target < source:
            source, target = target, source
        return StoredLink(
            id=model.id or self.link_key_id(rel, source, target, props),
            type=rel.name,
            source=source,
            target=target,
            props=props,
        )

    @staticmethod
    def link_key_id(rel: RelationSpec, source: str, target: str, props: dict[str, Any]) -> str:
        return keyed_link_id(rel.name, rel.keys, source, target, props)

    def check_ends(self, link: StoredLink, source: StoredNode, target: StoredNode) -> None:
        """Raise InvalidData when the link's ends are not of the classes its type allows."""
        rel = self.onto.relations[link.type]
        for node, allowed, side in ((source, rel.domain, "from"), (target, rel.range, "to")):
            if not any(label in allowed for label in node.labels):
                if rel.symmetric and any(label in rel.range for label in node.labels):
                    continue
                raise InvalidData(
                    f"{rel.name} cannot go {side} {node.types[0]} '{node.id}'; "
                    f"allowed {side}: {', '.join(allowed)}",
                    field=side,
                )

    # -- values --------------------------------------------------------------
    def _read_values(
        self,
        data: dict[str, Any],
        fixed: set[str],
        fields: RecordFields,
        owner: str,
        allowed: Iterable[str],
        class_name: str | None,
    ) -> None:
        """Read each value of ``data`` but the ``fixed`` fields as its attribute says; an
        attribute that is not one of ``fields`` (of the class or relationship ``owner``) is
        an error that suggests one of ``allowed``."""
        for attr in list(data):
            if attr in fixed:
                continue
            if attr not in fields:
                raise InvalidData(
                    f"'{attr}' is not an attribute of {owner}{did_you_mean(attr, sorted(allowed))}",
                    field=attr,
                )
            data[attr] = self._values.read(attr, data[attr], class_name)

    def _checked(
        self, section: str, name: str, fields: RecordFields, data: dict[str, Any]
    ) -> tuple[Any, dict[str, Any]]:
        """The record's values (attribute access) and its dump in JSON mode without None:
        checked from the fields alone when every value is plainly valid, else by the
        generated pydantic model, which words the errors (psp_graph.record_fields)."""
        dumped = checked(fields, data)
        if dumped is not None:
            values = {n: data.get(n, r.default) for n, r in fields.items()}
            return SimpleNamespace(**values), {k: v for k, v in dumped.items() if v is not None}
        from psp_graph.model import LINK_RECORDS, NODE_RECORDS

        record_type = NODE_RECORDS[name] if section == "node" else LINK_RECORDS[name]
        model = self._validate(record_type, data)
        return model, model.model_dump(mode="json", exclude_none=True)

    @staticmethod
    def _validate(record_type: Any, data: dict[str, Any]) -> Any:
        from pydantic import ValidationError

        try:
            return record_type.model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            loc = first["loc"]
            field = str(loc[0]) if loc else None
            message = first["msg"]
            if first["type"] == "missing":
                message = "missing"
            more = len(err.errors()) - 1
            suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
            value = first.get("input")
            shown = f" (got {value!r})" if value is not None and first["type"] != "missing" else ""
            raise InvalidData(f"{message}{shown}{suffix}", field=field) from None
