"""A first look at a graph: who holds the most money and the most decision seats.

These are plain aggregations over the store (no graph algorithms), used by
``psp demo``. Names come from the reader, so private nodes (persons, a private
decision space) are shown by pseudonym unless it includes them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from psp_graph.reading import Reader
from psp_graph.values import format_money

__all__ = ["money_holders", "seat_holders"]


def money_holders(reader: Reader, *, limit: int = 10) -> list[dict[str, Any]]:
    """Funders ranked by the money they grant (FUNDS links), per currency.

    Returns rows with ``id``, ``name``, ``granted`` (formatted), ``granted_minor``,
    ``currency``, ``grants`` and ``grantees``. O(links).
    """
    totals: dict[tuple[str, str], int] = defaultdict(int)
    grants: Counter[tuple[str, str]] = Counter()
    grantees: dict[tuple[str, str], set[str]] = defaultdict(set)
    for link in reader.iter_links("FUNDS"):
        amount = link.props.get("amount_minor")
        if amount is None:
            continue
        key = (link.source, link.props.get("currency", "GBP"))
        totals[key] += amount
        grants[key] += 1
        grantees[key].add(link.target)
    ranked = sorted(totals, key=lambda k: (-totals[k], k))[:limit]
    nodes = reader.nodes(k[0] for k in ranked)
    return [
        {
            "id": funder,
            "name": nodes[funder].name,
            "granted": format_money(totals[(funder, currency)], currency),
            "granted_minor": totals[(funder, currency)],
            "currency": currency,
            "grants": grants[(funder, currency)],
            "grantees": len(grantees[(funder, currency)]),
        }
        for funder, currency in ranked
    ]


def seat_holders(reader: Reader, *, limit: int = 10) -> list[dict[str, Any]]:
    """Actors ranked by decision seats (SITS_IN), then chairs, then DECIDES_ON links.

    Returns rows with ``id``, ``name``, ``seats``, ``chairs``, ``spaces``
    (names of the decision spaces), ``decides_on`` and ``experience``. O(links).
    """
    seats: Counter[str] = Counter()
    chairs: Counter[str] = Counter()
    spaces: dict[str, set[str]] = defaultdict(set)
    decides: Counter[str] = Counter()
    for link in reader.iter_links("SITS_IN"):
        seats[link.source] += 1
        chairs[link.source] += link.props.get("seat_type") == "chair"
        spaces[link.source].add(link.target)
    for link in reader.iter_links("DECIDES_ON"):
        decides[link.source] += 1
    holders = set(seats) | {a for a in decides if a not in seats}
    nodes = reader.nodes([*holders, *(s for v in spaces.values() for s in v)])
    holders = {h for h in holders if h in nodes and "Actor" in nodes[h].labels}
    ranked = sorted(holders, key=lambda a: (-seats[a], -chairs[a], -decides[a], a))[:limit]
    return [
        {
            "id": actor,
            "name": nodes[actor].name,
            "seats": seats[actor],
            "chairs": chairs[actor],
            "spaces": sorted(nodes[s].name for s in spaces[actor]),
            "decides_on": decides[actor],
            "experience": nodes[actor].props.get("experience", ""),
        }
        for actor in ranked
    ]
