"""The ontology (ontology/psp.ttl), read once and exposed as plain Python objects.

Everything else in psp-graph (models, validation, Cypher whitelists, exporters)
asks this module what exists; nothing else declares a type.

>>> onto = load_ontology()
>>> onto.relation("funds").name
'FUNDS'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.resources import resource_path

__all__ = [
    "PSP",
    "AttributeSpec",
    "IssueConcept",
    "NodeClass",
    "Ontology",
    "RelationSpec",
    "Vocabulary",
    "load_ontology",
    "normalise_key",
]

PSP = "https://w3id.org/psp-graph/ontology#"


def normalise_key(text: str) -> str:
    """Fold case and separators so ``delegated-power``, ``Delegated Power`` and
    ``DELEGATED_POWER`` all compare equal."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@dataclass(frozen=True)
class Vocabulary:
    """A SKOS concept scheme whose notations are the stored codes."""

    name: str
    label: str
    comment: str
    codes: tuple[str, ...]
    labels: dict[str, str]
    comments: dict[str, str]
    ranks: dict[str, int]
    groups: dict[str, str]
    starts: dict[str, str] = field(default_factory=dict)  # code -> ISO date (schema:startDate)
    ends: dict[str, str] = field(default_factory=dict)  # code -> ISO date (schema:endDate)

    def code(self, text: str) -> str | None:
        """The stored code for user text, or None when it is not in the vocabulary."""
        wanted = normalise_key(text)
        for code in self.codes:
            if normalise_key(code) == wanted or normalise_key(self.labels[code]) == wanted:
                return code
        return None


@dataclass(frozen=True)
class AttributeSpec:
    """An attribute a node or a link may carry."""

    name: str
    label: str
    comment: str
    datatype: str  # string | boolean | decimal | integer | date | uri | ref | code
    vocabulary: str | None = None
    ref_class: str | None = None
    multiple: bool = False
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    private: bool = False
    ref_classes: tuple[
        str, ...
    ] = ()  # classes a reference may point at (schema:rangeIncludes, else the range)


@dataclass(frozen=True)
class NodeClass:
    """A node class (Organisation, Charity, Issue, ...) or a role (Funder, ...)."""

    name: str
    label: str
    comment: str
    parent: str | None
    ancestors: tuple[str, ...]  # self first, up to Node
    kind: str  # the top class under Node: Actor, Issue, Resource, Initiative, DecisionSpace, Source
    id_prefix: str | None
    section: str | None
    attributes: tuple[str, ...]
    kind_vocabulary: str | None
    is_role: bool = False
    required: tuple[str, ...] = ()  # node attributes a record must give (psp:requiredAttribute)
    default_privacy: str | None = None  # psp:defaultPrivacy, e.g. "private" for persons and stories
    required_links: tuple[str, ...] = ()  # relationship types a node must start (psp:requiredLink)


@dataclass(frozen=True)
class RelationSpec:
    """A relationship type with its allowed ends and attributes."""

    name: str
    label: str
    comment: str
    domain: tuple[str, ...]
    range: tuple[str, ...]
    attributes: tuple[str, ...]
    required: tuple[str, ...]
    keys: tuple[str, ...]
    symmetric: bool
    analysis_roles: tuple[str, ...]
    power_flow: str


@dataclass(frozen=True)
class IssueConcept:
    """An issue declared in the ontology's issue scheme."""

    id: str
    code: str
    label: str
    comment: str
    broader: str | None


@dataclass
class Ontology:
    """Everything psp.ttl declares, as lookup tables."""

    classes: dict[str, NodeClass]
    roles: dict[str, NodeClass]
    relations: dict[str, RelationSpec]
    attributes: dict[str, AttributeSpec]
    vocabularies: dict[str, Vocabulary]
    issues: dict[str, IssueConcept]
    link_attributes: tuple[str, ...]
    path: Path
    _class_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _relation_keys: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name, cls in {**self.classes, **self.roles}.items():
            self._class_keys[normalise_key(name)] = name
            self._class_keys.setdefault(normalise_key(cls.label), name)
        self._class_keys["vcse"] = "Charity"
        for name, rel in self.relations.items():
            self._relation_keys[normalise_key(name)] = name
            self._relation_keys.setdefault(normalise_key(rel.label), name)

    # -- look-ups that raise a helpful InvalidData ---------------------------
    def node_type(self, text: str) -> NodeClass:
        """The class or role called ``text`` (case and separators ignored)."""
        name = self._class_keys.get(normalise_key(text))
        if name is None:
            choices = sorted(n for n in [*self.classes, *self.roles] if n != "Node")
            raise InvalidData(f"unknown type '{text}'{did_you_mean(text, choices)}")
        return self.classes.get(name) or self.roles[name]

    def relation(self, text: str) -> RelationSpec:
        """The relationship type called ``text`` (``funds``, ``FUNDS``, ``partners with``)."""
        name = self._relation_keys.get(normalise_key(text))
        if name is None:
            raise InvalidData(
                f"unknown relationship type '{text}'{did_you_mean(text, sorted(self.relations))}"
            )
        return self.relations[name]

    @cached_property
    def personal_attributes(self) -> frozenset[str]:
        """Attributes marked psp:private: kept out of the history log and hidden for nodes shown by pseudonym."""
        return frozenset(name for name, spec in self.attributes.items() if spec.private)

    def relations_with_role(self, *roles: str, power_flow: str | None = None) -> frozenset[str]:
        """Relationship types marked with any of the analysis ``roles`` (psp:analysisRole),
        and, when given, whose ``power_flow`` end holds the power: the one way to ask."""
        return frozenset(
            name
            for name, rel in self.relations.items()
            if set(roles) & set(rel.analysis_roles) and (power_flow is None or rel.power_flow == power_flow)
        )

    @cached_property
    def tokenism_top(self) -> int:
        """The highest rank of Arnstein's ladder in the tokenism group (placation, 5)."""
        ladder = self.vocabularies["ArnsteinLadder"]
        return max(rank for code, rank in ladder.ranks.items() if ladder.groups.get(code) == "tokenism")

    def labels_for(self, types: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """The store labels of a node: its class, the class's ancestors and its roles."""
        labels: list[str] = []
        for name in types:
            chain = self.classes[name].ancestors if name in self.classes else (name,)
            labels.extend(label for label in chain if label != "Node")
        return tuple(sorted(set(labels)))

    def allowed_labels(self) -> frozenset[str]:
        """Every label a node may carry in a store: the Cypher whitelist."""
        return frozenset(n for n in [*self.classes, *self.roles] if n != "Node")

    def vocabulary_for(self, attribute: str, class_name: str | None = None) -> Vocabulary | None:
        """The vocabulary an attribute takes, resolving ``kind`` by node class."""
        spec = self.attributes[attribute]
        if spec.vocabulary:
            return self.vocabularies[spec.vocabulary]
        if attribute == "kind" and class_name:
            vocab = self.classes[class_name].kind_vocabulary
            return self.vocabularies[vocab] if vocab else None
        return None

    def issue_tree(self) -> dict[str, list[str]]:
        """Narrower issues of every ontology issue, by id."""
        tree: dict[str, list[str]] = {issue_id: [] for issue_id in self.issues}
        for issue in self.issues.values():
            if issue.broader:
                tree[issue.broader].append(issue.id)
        return tree


def did_you_mean(
    text: str, choices: list[str] | tuple[str, ...], *, limit: int = 3, list_all: bool = True
) -> str:
    """``"; did you mean X?"`` for the closest choices, else (``list_all``) the short list of choices."""
    from rapidfuzz import fuzz, process, utils

    matches = process.extract(
        text, list(choices), scorer=fuzz.WRatio, processor=utils.default_process, limit=limit
    )
    close = [m[0] for m in matches if m[1] >= 70]
    if close:
        return "; did you mean " + " or ".join(close) + "?"
    if list_all and len(choices) <= 25:
        return "; allowed: " + ", ".join(choices)
    return ""


@cache
def load_ontology(path: Path | None = None) -> Ontology:
    """Read ontology/psp.ttl (once per process, from a compiled copy when it is current)
    and check it is consistent."""
    from psp_graph.ontology_cache import cached_ontology

    return cached_ontology(path or resource_path("ontology", "psp.ttl"))
