"""Seeded synthetic graphs of any size, for trying psp-graph at scale, tests and benchmarks.

Shaped like civil-society data: funding is heavy-tailed (a few funders give
most grants, amounts follow a Pareto law), actors cluster around a top-level
issue and mostly work, partner and fund within it, decision seats are few and
held mostly by funders and public bodies, and lived-experience groups are
involved mostly at the low rungs of Arnstein's ladder. Everything is made up
and marked ``illustrative: true``; the same seed gives the same graph.

Records are built directly (only ends the ontology allows), so a million links take
seconds; :func:`input_records` turns them into the file format ``psp load`` reads.

>>> nodes, links = generate_graph(50, seed=1)
>>> nodes == generate_graph(50, seed=1)[0] and len(links) > 300
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from psp_graph.ontology import load_ontology
from psp_graph.privacy import kind_words, pseudonym_for
from psp_graph.records import StoredLink, StoredNode

__all__ = ["GENERATED_SOURCE", "generate_graph", "input_records"]

GENERATED_SOURCE = "src:generated"
# (types, relative frequency): charities and community groups dominate; funders are few.
ACTOR_TYPES = [
    (("Charity",), 22),
    (("CommunityGroup",), 18),
    (("Charity", "Funder"), 3),
    (("PublicBody", "LocalAuthority", "Funder"), 2),
    (("LivedExperienceGroup",), 10),
    (("Business",), 8),
    (("NetworkOrCoalition",), 5),
    (("ResearchBody",), 4),
    (("Person",), 28),
]
EXPERIENCE = ["lived", "learnt", "both", None]
SEATS = ["chair", "voting", "advisory", "observer", None]
LINK_KINDS = {
    "FUNDS": 12,
    "SITS_IN": 3,
    "WORKS_ON": 14,
    "PARTNERS_WITH": 10,
    "MEMBER_OF": 8,
    "INVOLVES": 8,
    "INFLUENCES": 8,
    "AFFECTED_BY": 6,
    "CONTROLS": 5,
    "NEEDS": 4,
    "DECIDES_ON": 3,
    "REPRESENTS": 3,
    "PARTICIPATES_IN": 3,
}
LOW_RUNGS = ["manipulation", "therapy", "informing", "consultation", "placation"]
IN_CLUSTER = 0.8  # share of links that stay within an actor's issue cluster


def _letters(n: int) -> str:
    """n written with letters that never occur in a hexadecimal id."""
    alphabet, text = "hjkmnpqrstvwyz", ""
    while True:
        n, digit = divmod(n, len(alphabet))
        text = alphabet[digit] + text
        if n == 0:
            return text


def generate_graph(
    actors: int, links_per_actor: float = 10, seed: int = 0
) -> tuple[list[StoredNode], list[StoredLink]]:
    """Nodes and links of a graph with ``actors`` actors and about ``actors * links_per_actor`` links.

    Also holds the ontology's issues, decision spaces (1 per 25 actors), resources
    (1 per 15) and initiatives (1 per 50). 5% of actors stay isolated, and about
    2% of grants come with a parallel trustee link. O(actors x links_per_actor).
    """
    rng = random.Random(seed)
    onto = load_ontology()
    issues = sorted(onto.issues)

    def top(issue: str) -> str:
        while onto.issues[issue].broader:
            issue = str(onto.issues[issue].broader)
        return issue

    clusters: dict[str, list[str]] = {}
    for issue in issues:
        clusters.setdefault(top(issue), []).append(issue)
    cluster_names = sorted(clusters)
    base = {
        "recorded_by": "generator",
        "recorded_at": "2026-01-01T00:00:00+00:00",
        "sources": [GENERATED_SOURCE],
        "confidence": "high",
        "illustrative": True,
    }

    def node(node_id: str, types: tuple[str, ...], name: str, **props: Any) -> StoredNode:
        clean = {k: v for k, v in props.items() if v is not None}
        if types[0] == "Person":  # private, shown by a stable pseudonym, as the Graph service stores them
            clean |= {"privacy": "private", "pseudonym": pseudonym_for(node_id, kind_words("Person"))}
        return StoredNode(
            node_id, types, onto.labels_for(list(types)), name, {**base, "privacy": "public", **clean}
        )

    nodes = [node(i, ("Issue",), onto.issues[i].label, broader=onto.issues[i].broader) for i in issues]
    nodes.append(
        node(
            GENERATED_SOURCE,
            ("Source",),
            "Generated example data (psp generate)",
            kind="workshop",
            publisher="psp-graph",
            description="Made up by psp generate; states nothing about the real world.",
            sources=[],
        )
    )
    actor_ids: list[str] = []
    home: dict[str, str] = {}  # actor -> its issue cluster
    by_cluster: dict[str, list[str]] = {c: [] for c in cluster_names}
    funders: list[str] = []
    lived_groups: list[str] = []
    type_choices, type_weights = zip(*ACTOR_TYPES, strict=True)
    active_count = max(1, int(actors * 0.95))  # the last 5% stay isolated
    for n in range(actors):
        types = rng.choices(type_choices, type_weights)[0]
        if types[0] == "Person":  # opaque ids, and names that share nothing with them
            actor, name = f"person:g{seed:x}x{n:x}", f"Resident {_letters(n)}"
        else:
            prefix = "group" if types[0] == "LivedExperienceGroup" else "org"
            actor, name = f"{prefix}:gen-{seed}-{n}", f"Actor {n}"
        actor_ids.append(actor)
        experience = "lived" if types[0] == "LivedExperienceGroup" else rng.choice(EXPERIENCE)
        nodes.append(node(actor, types, name, experience=experience))
        cluster = cluster_names[min(int(rng.paretovariate(0.8)) - 1, len(cluster_names) - 1)]
        home[actor] = cluster
        if n < active_count:
            by_cluster[cluster].append(actor)
            if "Funder" in types:
                funders.append(actor)
            if types[0] == "LivedExperienceGroup":
                lived_groups.append(actor)
    spaces = [f"space:gen-{seed}-{n}" for n in range(max(1, actors // 25))]
    for n, space in enumerate(spaces):
        nodes.append(
            node(
                space,
                ("DecisionSpace",),
                f"Space {n}",
                space=rng.choices(["closed", "invited", "claimed"], [5, 3, 1])[0],
                level=rng.choice(["local", "national"]),
            )
        )
    resources = [f"res:gen-{seed}-{n}" for n in range(max(1, actors // 15))]
    for n, res in enumerate(resources):
        nodes.append(
            node(
                res,
                ("Resource",),
                f"Resource {n}",
                kind=rng.choice(["funding", "data", "space", "expertise"]),
            )
        )
    inits = [f"init:gen-{seed}-{n}" for n in range(max(1, actors // 50))]
    for n, init in enumerate(inits):
        nodes.append(node(init, ("Initiative",), f"Initiative {n}"))
    if not actor_ids:
        return nodes, []

    active = actor_ids[:active_count]
    funders = funders or active[:1]
    # Seat holders: funders and public bodies first, then a few others (seats are scarce).
    seat_holders = funders + active[: max(1, len(active) // 20)]
    grantees = active + inits + spaces[:3]
    links: list[StoredLink] = []

    labels = {n.id: frozenset(n.labels) for n in nodes}
    ends = {name: (frozenset(r.domain), frozenset(r.range)) for name, r in onto.relations.items()}

    def link(rel: str, source: str, target: str, **props: Any) -> None:
        domain, range_ = ends[rel]
        if source == target or not (labels[source] & domain and labels[target] & range_):
            return  # an end the ontology does not allow: drawn again by the next link
        if onto.relations[rel].symmetric and target < source:
            source, target = target, source
        clean = {k: v for k, v in props.items() if v is not None}
        links.append(StoredLink(f"link:gen-{seed}-{len(links)}", rel, source, target, {**base, **clean}))

    def period() -> dict[str, str | None]:
        start = rng.randint(2015, 2024)
        return {
            "valid_from": f"{start}-01-01" if rng.random() < 0.8 else None,
            "valid_to": f"{start + rng.randint(0, 4)}-12-31" if rng.random() < 0.5 else None,
        }

    def issue_of(actor: str) -> str:
        return rng.choice(clusters[home[actor]] if rng.random() < IN_CLUSTER else issues)

    def issues_of(actor: str) -> list[str]:
        return sorted({issue_of(actor) for _ in range(rng.randint(0, 2))})

    def peer(actor: str) -> str:
        near = by_cluster[home[actor]]
        return rng.choice(near if near and rng.random() < IN_CLUSTER else active)

    kinds, weights = list(LINK_KINDS), list(LINK_KINDS.values())
    for _ in range(int(actors * links_per_actor)):
        rel = rng.choices(kinds, weights)[0]
        a = rng.choice(active)
        if rel == "FUNDS":
            funder = funders[min(int(rng.paretovariate(1.2)) - 1, len(funders) - 1)]
            target = peer(funder) if rng.random() < 0.9 else rng.choice(grantees)
            amount = int(rng.paretovariate(1.1) * 1000) * 100 if rng.random() < 0.9 else None
            link(
                rel,
                funder,
                target,
                amount_minor=amount,
                currency="GBP" if amount else None,
                issues=issues_of(funder),
                programme=rng.choice(["core", "projects", None]),
                **period(),
            )
            if rng.random() < 0.02 and target in home:  # a parallel link: the funder is also a trustee
                link("MEMBER_OF", funder, target, role="trustee")
        elif rel == "SITS_IN":
            holder = rng.choice(seat_holders if rng.random() < 0.7 else active)
            link(rel, holder, rng.choice(spaces), seat_type=rng.choice(SEATS), **period())
        elif rel in ("WORKS_ON", "AFFECTED_BY"):
            link(rel, a, issue_of(a), **period())
        elif rel == "INVOLVES":
            involver = rng.choice([a, rng.choice(spaces)])
            if lived_groups and rng.random() < 0.6:  # lived-experience groups, mostly at low rungs
                target, rung = rng.choice(lived_groups), rng.choice([*LOW_RUNGS, "partnership"])
            else:
                target, rung = peer(a), rng.choice(onto.vocabularies["ArnsteinLadder"].codes)
            link(rel, involver, target, rung=rung, issues=issues_of(a), **period())
        elif rel == "INFLUENCES":
            target = rng.choice([peer(a), rng.choice(spaces)])
            link(rel, a, target, strength=rng.randint(1, 5), issues=issues_of(a), **period())
        elif rel in ("CONTROLS", "NEEDS"):
            link(rel, a, rng.choice(resources), **period())
        elif rel == "DECIDES_ON":
            link(rel, rng.choice(spaces), rng.choice(issues), **period())
        elif rel == "MEMBER_OF":
            link(rel, a, peer(a), role=rng.choice(["member", "trustee", None]), **period())
        elif rel == "PARTICIPATES_IN":
            link(rel, a, rng.choice(inits), **period())
        else:  # PARTNERS_WITH, REPRESENTS
            link(rel, a, peer(a), **period())
    return nodes, links


_SECTION_OF = {
    "Source": "sources",
    "Issue": "issues",
    "DecisionSpace": "decision_spaces",
    "Resource": "resources",
    "Initiative": "initiatives",
}
_STORED_ONLY = ("recorded_by", "recorded_at")


def input_records(nodes: list[StoredNode], links: list[StoredLink]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(section, record) pairs in the file format ``psp load`` reads: money in major
    units, links with ``from`` and ``to``, the ontology's issues left out."""
    for n in nodes:
        section = next((_SECTION_OF[t] for t in n.types if t in _SECTION_OF), "actors")
        if section == "issues":
            continue  # the ontology's issues are in every store
        props = {k: v for k, v in n.props.items() if k not in _STORED_ONLY and k != "pseudonym"}
        record: dict[str, Any] = {"id": n.id, "name": n.name, **props}
        if section in ("actors", "initiatives"):
            record["types"] = list(n.types)
        yield section, record
    for link in links:
        props = {k: v for k, v in link.props.items() if k not in _STORED_ONLY}
        amount = props.pop("amount_minor", None)
        if amount is not None:
            props["amount"] = amount / 100
        yield "links", {"id": link.id, "type": link.type, "from": link.source, "to": link.target, **props}
