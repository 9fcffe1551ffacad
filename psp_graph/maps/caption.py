"""The words above a map: title, scope, the date of the data, counts and the sources cited
(most cited first). Names go through :func:`psp_graph.privacy.display_name`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from psp_graph.maps.build import MapOptions, Selection
from psp_graph.privacy import display_name
from psp_graph.records import StoredLink, StoredNode

__all__ = ["Caption", "caption_for"]


@dataclass(frozen=True)
class Caption:
    """The words above a map: title, scope, date, counts and sources."""

    title: str
    scope: str
    date: str
    counts: str
    sources: list[dict[str, str]]
    illustrative: bool
    private_shown: int


def caption_for(selection: Selection, options: MapOptions) -> Caption:
    """Title, scope, data date, counts and cited sources (most cited first)."""
    facts: list[StoredNode | StoredLink] = [*selection.nodes.values(), *selection.links]
    dates = [str(f.props.get("recorded_at", ""))[:10] for f in facts if f.props.get("recorded_at")]
    cited = Counter(s for f in facts for s in f.props.get("sources", []) if s in selection.sources)
    ordered = sorted(cited, key=lambda s: (-cited[s], selection.sources[s].name, s))
    scope: list[str] = []
    subject = "whole network"
    if selection.scope is not None:
        root = next((i for i in selection.scope if _is_root(i, selection)), selection.scope[0])
        subject = selection.issues[root].name
        narrower = " (with its narrower issues)" if len(selection.scope) > 1 else ""
        scope.append(f"Issue: {subject}{narrower}")
    if selection.centre is not None:
        centre = display_name(selection.nodes[selection.centre], include_private=options.include_private)
        steps = f"{options.hops} step{'s' if options.hops != 1 else ''}"
        subject = f"around {centre}" if selection.scope is None else f"{subject} around {centre}"
        scope.append(f"Around {centre}, up to {steps} away")
    if options.types:
        only = ", ".join(options.types) + " only"
        subject = only if subject == "whole network" else f"{subject} ({only})"
        scope.append("Only: " + ", ".join(options.types))
    if selection.as_of:
        subject = f"{subject}, as of {selection.as_of}"
        scope.append(f"Links valid on {selection.as_of}")
    if options.recorded_by:
        scope.append(f"Only what {options.recorded_by} recorded")
    if options.highlight:
        scope.append(f"Highlight: {options.highlight}")
    if options.diff_from:
        subject = f"{subject}, changes since {options.diff_from}"
        scope.append(f"Green: added, orange: changed, grey dashed: removed since {options.diff_from}")
    title = options.title or f"Power map: {subject}"
    private_shown = sum(
        1 for n in selection.nodes.values() if options.include_private and display_name(n) != n.name
    )
    return Caption(
        title=title,
        scope=" · ".join(scope) or "Whole network",
        date=max(dates, default="unknown"),
        counts=f"{len(selection.nodes)} nodes, {len(selection.links)} links",
        sources=[
            {
                "name": selection.sources[s].name,
                "publisher": str(selection.sources[s].props.get("publisher", "")),
                "date": str(selection.sources[s].props.get("date", "")),
                "url": str(selection.sources[s].props.get("url", "")),
                "facts": str(cited[s]),
            }
            for s in ordered
        ],
        illustrative=any(f.props.get("illustrative") for f in facts),
        private_shown=private_shown,
    )


def _is_root(issue: str, selection: Selection) -> bool:
    scope = set(selection.scope or [])
    return str(selection.issues[issue].props.get("broader", "")) not in scope
