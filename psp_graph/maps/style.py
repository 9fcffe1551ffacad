"""How a map looks: colours, shapes, widths and arrows, derived from the ontology.

Every node class gets a colour (actor classes from a colour-blind-friendly
palette, in the ontology's order, so a class keeps its colour from map to map);
every top-level kind gets a shape; every relationship type gets a line style
from its analysis role (``psp:analysisRole``) and its direction. Nothing here
lists the ontology's types: a new class or relationship type is styled too.
Red and dashes are kept for collaboration gaps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from psp_graph.ontology import Ontology, RelationSpec

__all__ = [
    "GAP",
    "ClassStyle",
    "MapStyle",
    "RelationStyle",
    "drawable_kinds",
    "influence_width",
    "map_style",
    "money_width",
    "node_size",
]

# Distinct on a projector and for the common colour-vision deficiencies; no red (gaps are red).
_ACTOR_PALETTE = (
    "#79706E",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
    "#EDC948",
    "#9C755F",
    "#FF9DA7",
    "#A0CBE8",
    "#76B7B2",
    "#4E79A7",
    "#B6992D",
    "#D37295",
)
_OTHER_PALETTE = ("#BAB0AC", "#D4C4A8", "#C7C7E2", "#CFCFCF")
_SHAPES = ("square", "triangle", "diamond", "hexagon", "triangleDown", "star")
GAP = "GAP"
GAP_COLOUR = "#D62728"

# Line colour and base width by analysis role; the first role of a type that is listed here wins.
_ROLE_STYLE: dict[str, tuple[str, float]] = {
    "money": ("#2F8F46", 2.0),
    "influence": ("#E07B00", 2.0),
    "seats": ("#5A4FCF", 2.0),
    "authority": ("#7468D8", 1.5),
    "participation": ("#1F9BAA", 1.5),
    "resources": ("#8C6D31", 1.5),
    "needs": ("#B58B5A", 1.0),
    "collaboration": ("#8A8A8A", 1.0),
    "structure": ("#B0B0B0", 1.0),
}
_DEFAULT_ROLE = ("#9A9A9A", 1.0)


@dataclass(frozen=True)
class ClassStyle:
    """How nodes of one ontology class are drawn."""

    name: str
    label: str
    kind: str
    color: str
    shape: str


@dataclass(frozen=True)
class RelationStyle:
    """How links of one relationship type are drawn (``GAP`` for collaboration gaps)."""

    type: str
    label: str
    role: str
    color: str
    width: float
    arrows: bool
    dashes: tuple[int, ...] = ()


@dataclass(frozen=True)
class MapStyle:
    """The colours, shapes and line styles of every class and relationship type."""

    classes: dict[str, ClassStyle]
    relations: dict[str, RelationStyle]

    def node_class(self, types: tuple[str, ...]) -> ClassStyle:
        """The style of a node's class (its first type that is a class, not a role)."""
        for name in types:
            if name in self.classes:
                return self.classes[name]
        return self.classes["Node"]


def _relation_style(rel: RelationSpec) -> RelationStyle:
    role = next((r for r in _ROLE_STYLE if r in rel.analysis_roles), "")
    color, width = _ROLE_STYLE.get(role, _DEFAULT_ROLE)
    return RelationStyle(rel.name, rel.label, role or "other", color, width, arrows=not rel.symmetric)


_LEARNING_ROLES = {"learning", "community", "support"}


def drawable_kinds(onto: Ontology) -> set[str]:
    """Kinds a map draws: those relationships can join, except issues (which become tags) and
    the project's own learning (events, pinboard, insights: roles learning, community, support)."""
    power = [rel for rel in onto.relations.values() if set(rel.analysis_roles) - _LEARNING_ROLES]
    ends = {c for rel in power for c in (*rel.domain, *rel.range)}
    issue_ends = {c for rel in onto.relations.values() if "issue" in rel.analysis_roles for c in rel.range}
    return {onto.classes[c].kind for c in ends} - {onto.classes[c].kind for c in issue_ends}


def map_style(onto: Ontology) -> MapStyle:
    """Styles for every class and relationship type in ``onto`` (plus ``GAP``). O(types)."""
    classes: dict[str, ClassStyle] = {}
    kinds = sorted(drawable_kinds(onto) - {"Actor"})
    shapes = {kind: _SHAPES[i % len(_SHAPES)] for i, kind in enumerate(kinds)}
    others = {kind: _OTHER_PALETTE[i % len(_OTHER_PALETTE)] for i, kind in enumerate(kinds)}
    actor_index = 0
    for name, cls in onto.classes.items():
        if cls.kind == "Actor":
            color, shape = _ACTOR_PALETTE[actor_index % len(_ACTOR_PALETTE)], "dot"
            actor_index += 1
        else:
            color, shape = others.get(cls.kind, _OTHER_PALETTE[0]), shapes.get(cls.kind, "dot")
        classes[name] = ClassStyle(name, cls.label, cls.kind, color, shape)
    relations = {name: _relation_style(rel) for name, rel in onto.relations.items()}
    relations[GAP] = RelationStyle(
        GAP, "collaboration gap", "gap", GAP_COLOUR, 3.0, arrows=False, dashes=(10, 8)
    )
    return MapStyle(classes, relations)


def money_width(amount_minor: int, largest: int) -> float:
    """Line width of a grant: 1.5 to 10, by the square root of its share of the largest grant."""
    if largest <= 0 or amount_minor <= 0:
        return 1.5
    return round(1.5 + 8.5 * math.sqrt(amount_minor / largest), 2)


def influence_width(strength: int | None) -> float:
    """Line width of an influence link: 1.5 (strength 1) to 5.5 (strength 5)."""
    return 0.5 + (strength or 1)


def node_size(score: float | None, best: float) -> float:
    """Radius of an actor: 10 to 40 by the square root of its share of the top power score."""
    if not score or best <= 0:
        return 10.0
    return round(10 + 30 * math.sqrt(score / best), 2)
