"""The data a map page draws: one JSON-ready dict, compact and deterministic.

Nodes and links refer to shared tables (classes, types, issues, sources,
relationship styles) by index, so a 2,000-node map stays small. Every name
shown goes through :func:`psp_graph.privacy.display_name` (privacy), and every
list is sorted, so the same selection always gives the same payload.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from psp_graph.analysis.data import experience_of
from psp_graph.maps.build import Gap, MapOptions, Selection
from psp_graph.maps.labels import LabelRequest, frame_of, place_labels
from psp_graph.maps.layout import Positions
from psp_graph.maps.style import GAP, MapStyle, RelationStyle, influence_width, money_width, node_size
from psp_graph.ontology import Ontology
from psp_graph.privacy import display_name, is_redacted, shown_by_name
from psp_graph.records import StoredLink, StoredNode
from psp_graph.values import format_money

__all__ = ["FLAGS", "build_payload", "label_text", "node_radius", "relation_row"]

FLAGS = {"lived": 1, "illustrative": 2, "pseudonym": 4, "centre": 8, "alone": 16, "top": 32, "faded": 64}
TOP_RANKS = 10
_NOT_DETAILS = {
    "issues",
    "sources",
    "illustrative",
    "confidence",
    "amount",
    "currency",
    "valid_from",
    "valid_to",
}


class _Index:
    """Assigns small integers to values in first-seen order."""

    def __init__(self) -> None:
        self.items: dict[str, int] = {}

    def __call__(self, key: str) -> int:
        return self.items.setdefault(key, len(self.items))


def _type_label(onto: Ontology, name: str) -> str:
    found = onto.classes.get(name) or onto.roles.get(name)
    return found.label if found else name


def _details(onto: Ontology, link: StoredLink, *, private: bool) -> list[list[str]]:
    """Attribute label/value pairs for a link's tooltip, in the ontology's order; with
    ``private`` (an end shown by pseudonym) possibly personal attributes are left out."""
    props = link.props
    rows: list[list[str]] = []
    hidden = onto.personal_attributes if private else frozenset()
    if "amount_minor" in props:
        rows.append(["amount", format_money(props["amount_minor"], props.get("currency"))])
    for attr in onto.relations[link.type].attributes:
        value = props.get(attr)
        if attr in _NOT_DETAILS or attr in hidden or value in (None, "", []):
            continue
        vocab = onto.vocabulary_for(attr)
        text = vocab.labels.get(str(value), str(value)) if vocab else str(value)
        rows.append([onto.attributes[attr].label, text[:300]])
    if props.get("valid_from") or props.get("valid_to"):
        rows.append(["valid", f"{props.get('valid_from') or '…'} to {props.get('valid_to') or '…'}"])
    return rows


def _issue_table(selection: Selection, used: set[str]) -> list[dict[str, Any]]:
    """Used issues and their broader ones, in tree order; each covers itself and its narrower issues."""
    broader = {i: str(n.props["broader"]) for i, n in selection.issues.items() if n.props.get("broader")}
    present = set()
    for issue in used:
        while issue in selection.issues and issue not in present:
            present.add(issue)
            issue = broader.get(issue, "")
    children: dict[str, list[str]] = defaultdict(list)
    for issue in present:
        children[broader.get(issue, "") if broader.get(issue) in present else ""].append(issue)
    order: list[tuple[str, int]] = []

    def walk(parent: str, depth: int) -> None:
        for issue in sorted(children.get(parent, []), key=lambda i: (selection.issues[i].name, i)):
            order.append((issue, depth))
            walk(issue, depth + 1)

    walk("", 0)
    position = {issue: i for i, (issue, _) in enumerate(order)}

    def covers(issue: str) -> list[int]:
        found = [position[issue]]
        for child in children.get(issue, []):
            found.extend(covers(child))
        return sorted(found)

    return [
        {"id": issue, "label": selection.issues[issue].name, "depth": depth, "covers": covers(issue)}
        for issue, depth in order
    ]


def build_payload(
    selection: Selection,
    options: MapOptions,
    style: MapStyle,
    positions: Positions,
    onto: Ontology,
) -> dict[str, Any]:
    """Everything the page script needs to draw, filter and explain the map. O(nodes + links).

    Nodes are drawn where the layout put them (no physics in the page), so the
    labels placed here stay where they were placed.
    """
    node_ids = list(selection.nodes)
    index = {node: i for i, node in enumerate(node_ids)}
    used_issues = {t for tags in selection.tags.values() for t in tags}
    used_issues |= {i for link in selection.links for i in link.props.get("issues", [])}
    used_issues |= {i for gap in selection.gaps for i in gap.issues}
    issues = _issue_table(selection, used_issues & set(selection.issues))
    issue_index = {row["id"]: i for i, row in enumerate(issues)}
    sources = _Index()
    types = _Index()
    classes = _Index()
    relations = _Index()
    alone = {gap.a for gap in selection.gaps if gap.b is None}
    in_gaps = {end for gap in selection.gaps for end in (gap.a, gap.b) if end}
    funded_or_funding = {
        e for link in selection.links if link.type == "FUNDS" for e in (link.source, link.target)
    }
    best = max(selection.scores.values(), default=0.0)
    nodes = []
    for node_id in node_ids:
        node = selection.nodes[node_id]
        label = display_name(node, include_private=options.include_private)
        rank = selection.ranks.get(node_id)
        flags = _node_flags(node, label, options, selection, rank, alone, in_gaps, funded_or_funding)
        kind_style = style.node_class(node.types)
        x, y = positions[node_id]
        entry: dict[str, Any] = {
            "id": node_id,
            "l": label,
            "c": classes(kind_style.name),
            "x": x,
            "y": y,
            "s": node_size(selection.scores.get(node_id), best) if kind_style.kind == "Actor" else 12,
            "t": [types(_type_label(onto, t)) for t in node.types],
            "g": sorted(issue_index[t] for t in selection.tags[node_id] if t in issue_index),
            "r": sorted(sources(s) for s in node.props.get("sources", []) if s in selection.sources),
            "f": flags,
        }
        for key in ("g", "r"):  # the page fills in empty lists
            if not entry[key]:
                del entry[key]
        if rank is not None:
            entry["k"] = rank
            entry["p"] = round(selection.scores[node_id], 3)
        if label == node.name and node.props.get("description"):
            entry["d"] = str(node.props["description"])[:300]
        nodes.append(entry)
    class_names = list(classes.items)
    frame = _place_labels(nodes, selection, options, [class_names[n["c"]] for n in nodes], style)
    edges = _edges(selection, options, style, onto, index, issue_index, sources, relations)
    diff = None
    if selection.diff is not None:  # one code per edge row: 0 the same, 1 added, 2 changed, 3 removed
        codes = {"added": 1, "changed": 2, "removed": 3}
        diff = [codes.get(selection.diff.get(link.id, ""), 0) for link in selection.links]
        diff += [0] * (len(edges) - len(diff))
    class_styles = [style.classes[name] for name in classes.items]
    relation_styles = [style.relations[name] for name in relations.items]
    payload: dict[str, Any] = {
        "version": 1,
        "workshop": options.workshop,
        "highlight": options.highlight,
        "classes": [
            {"label": c.label, "color": c.color, "shape": c.shape, "kind": c.kind} for c in class_styles
        ],
        "relations": [relation_row(r) for r in relation_styles],
        "types": list(types.items),
        "issues": issues,
        "sources": [selection.sources[s].name for s in sources.items],
        "flags": FLAGS,
        "frame": frame,
        "nodes": nodes,
        "edges": edges,
    }
    if diff is not None:
        payload["diff"] = diff
    return payload


def label_text(node: dict[str, Any]) -> str:
    """What a node's label says: its shown name, numbered when it is among the top power scores."""
    prefix = f"{node['k']}. " if node["f"] & FLAGS["top"] and "k" in node else ""
    return prefix + str(node["l"])


def node_radius(node: dict[str, Any], shape: str, workshop: bool) -> float:
    """How far a drawn node reaches from its centre, border included (layout pixels).

    vis-network's ``size`` is a dot's radius and half the side of the other shapes.
    """
    size = float(node["s"]) * (1.25 if workshop else 1.0)
    ring = 22 if node["f"] & FLAGS["centre"] else 0  # the focal actor's yellow ring (map.js)
    return size * (1.0 if shape == "dot" else 1.45) + 4 + ring


def _place_labels(
    nodes: list[dict[str, Any]],
    selection: Selection,
    options: MapOptions,
    classes: list[str],
    style: MapStyle,
) -> list[float]:
    """Add each placed label to its node as ``b``: [dx, dy, width, height, font size, tier]; return the frame.

    Most important first: the focal actor, then power score, then number of links, then id.
    """
    degree: Counter[str] = Counter()
    for link in selection.links:
        degree[link.source] += 1
        degree[link.target] += 1
    order = sorted(
        range(len(nodes)),
        key=lambda i: (
            nodes[i]["id"] != selection.centre,
            -selection.scores.get(nodes[i]["id"], 0.0),
            -degree[nodes[i]["id"]],
            nodes[i]["id"],
        ),
    )
    requests = [
        LabelRequest(
            nodes[i]["id"],
            label_text(nodes[i]),
            float(nodes[i]["x"]),
            float(nodes[i]["y"]),
            node_radius(nodes[i], style.classes[classes[i]].shape, options.workshop),
        )
        for i in order
    ]
    focal = next(((r.x, r.y) for r in requests if r.node == selection.centre), None)
    frame = frame_of(requests, options.workshop, focal)
    by_id = {node["id"]: node for node in nodes}
    for label in place_labels(requests, frame, options.workshop):
        by_id[label.node]["b"] = [
            round(label.dx, 1),
            round(label.dy, 1),
            math.ceil(label.width * 10) / 10,
            math.ceil(label.height * 10) / 10,
            round(label.size, 2),
            label.tier,
        ]
    return [round(v, 1) for v in (frame.left, frame.top, frame.right, frame.bottom)]


def relation_row(rel: RelationStyle) -> dict[str, Any]:
    return {
        "type": rel.type,
        "label": rel.label,
        "role": rel.role,
        "color": rel.color,
        "width": rel.width,
        "arrows": rel.arrows,
        "dashes": list(rel.dashes),
    }


def _node_flags(
    node: StoredNode,
    label: str,
    options: MapOptions,
    selection: Selection,
    rank: int | None,
    alone: set[str],
    in_gaps: set[str],
    in_funding: set[str],
) -> int:
    flags = 0
    if "Actor" in node.labels and experience_of(node) in {"lived", "both"}:
        flags |= FLAGS["lived"]
    if node.props.get("illustrative"):
        flags |= FLAGS["illustrative"]
    if label != node.name or is_redacted(node):  # the reader already put the pseudonym in as name
        flags |= FLAGS["pseudonym"]
    if node.id == selection.centre:
        flags |= FLAGS["centre"]
    if node.id in alone:
        flags |= FLAGS["alone"]
    if options.highlight == "power" and rank is not None and rank <= TOP_RANKS:
        flags |= FLAGS["top"]
    faded = {
        "power": rank is None or rank > TOP_RANKS,
        "gaps": node.id not in in_gaps,
        "funding": node.id not in in_funding,
    }
    if options.highlight and faded[options.highlight] and node.id != selection.centre:
        flags |= FLAGS["faded"]
    return flags


def _edges(
    selection: Selection,
    options: MapOptions,
    style: MapStyle,
    onto: Ontology,
    index: dict[str, int],
    issue_index: dict[str, int],
    sources: _Index,
    relations: _Index,
) -> list[list[Any]]:
    """Rows ``[from, to, relation, width, details, issues, sources, curve, faded]``, see :func:`_trim`."""
    largest = max(
        (int(k.props.get("amount_minor", 0)) for k in selection.links if k.type == "FUNDS"), default=0
    )
    top = {n for n, r in selection.ranks.items() if r <= TOP_RANKS}
    rows: list[list[Any]] = []
    for link in selection.links:
        rel = style.relations[link.type]
        width = rel.width
        if link.type == "FUNDS":
            width = money_width(int(link.props.get("amount_minor", 0)), largest)
        elif rel.role == "influence":
            width = influence_width(link.props.get("strength"))
        faded = {
            "power": not ({link.source, link.target} & top),
            "gaps": True,
            "funding": link.type != "FUNDS",
        }
        rows.append(
            [
                index[link.source],
                index[link.target],
                relations(link.type),
                width,
                _details(
                    onto,
                    link,
                    private=any(
                        not shown_by_name(selection.nodes[e], include_private=options.include_private)
                        for e in (link.source, link.target)
                        if e in selection.nodes
                    ),
                ),
                sorted(issue_index[i] for i in link.props.get("issues", []) if i in issue_index),
                sorted(sources(s) for s in link.props.get("sources", []) if s in selection.sources),
                0,
                int(bool(options.highlight and faded[options.highlight])),
            ]
        )
    rows.extend(_gap_rows(selection.gaps, index, issue_index, relations, style))
    _curve_parallels(rows)
    return [_trim(row) for row in rows]


def _trim(row: list[Any]) -> list[Any]:
    """Whole widths as integers, and trailing zeros and empty lists left out (the page fills them in).

    Keeps a 10,000-link map about a sixth smaller.
    """
    if float(row[3]).is_integer():
        row[3] = int(row[3])
    while len(row) > 4 and row[-1] in (0, []):
        row.pop()
    return row


def _gap_rows(
    gaps: list[Gap], index: dict[str, int], issue_index: dict[str, int], relations: _Index, style: MapStyle
) -> list[list[Any]]:
    names = {"no-collaboration": "no collaboration path", "unmet-need": "a need nobody controls"}
    return [
        [
            index[gap.a],
            index[gap.b],
            relations(GAP),
            style.relations[GAP].width,
            [["gap", names.get(gap.kind, gap.kind)]],
            sorted(issue_index[i] for i in gap.issues if i in issue_index),
            [],
            0,
            0,
        ]
        for gap in gaps
        if gap.b is not None
    ]


def _curve_parallels(rows: list[list[Any]]) -> None:
    """Give links that share both ends distinct curves: +0.2, -0.2, +0.4, ... (one alone stays straight).

    The sign is relative to the direction from the lower node index to the higher.
    """
    by_pair: dict[tuple[int, int], list[list[Any]]] = defaultdict(list)
    for row in rows:
        by_pair[(min(row[0], row[1]), max(row[0], row[1]))].append(row)
    for group in by_pair.values():
        if len(group) < 2:
            continue
        for i, row in enumerate(group):
            size = 0.2 * (i // 2 + 1)
            row[7] = size if i % 2 == 0 else -size
