"""Seeded synthetic graphs for the parity suite and the query benchmarks.

Shaped like the seed data: funders with skewed grants, decision spaces with
seats, involvement at every rung, issues from the ontology, resources that are
controlled or needed, collaboration links, parallel links and isolated actors.
Records are built directly (valid by construction) so large graphs load fast.
"""

from __future__ import annotations

import random
from typing import Any

from psp_graph.backends import Backend
from psp_graph.ontology import load_ontology
from psp_graph.records import Batch, ChangeSet, StoredLink, StoredNode

ACTOR_TYPES = [
    ("Charity",),
    ("CommunityGroup",),
    ("Charity", "Funder"),
    ("PublicBody", "LocalAuthority", "Funder"),
    ("LivedExperienceGroup",),
    ("Business",),
    ("NetworkOrCoalition",),
    ("ResearchBody",),
    ("Person",),
]
EXPERIENCE = ["lived", "learnt", "both", None]
SEATS = ["chair", "voting", "advisory", "observer", None]


def generate_graph(
    actors: int, links_per_actor: float = 10, seed: int = 0
) -> tuple[list[StoredNode], list[StoredLink]]:
    """Nodes and links of a random graph with ``actors`` actors and about ``actors * links_per_actor`` links."""
    rng = random.Random(seed)
    onto = load_ontology()
    rungs = onto.vocabularies["ArnsteinLadder"].codes
    issues = sorted(onto.issues)
    base = {
        "recorded_by": "generator",
        "recorded_at": "2026-01-01T00:00:00+00:00",
        "sources": [],
        "confidence": "high",
    }

    def node(node_id: str, types: tuple[str, ...], name: str, **props: Any) -> StoredNode:
        clean = {k: v for k, v in props.items() if v is not None}
        return StoredNode(
            node_id, types, onto.labels_for(list(types)), name, {**base, "privacy": "public", **clean}
        )

    nodes = [node(i, ("Issue",), onto.issues[i].label, broader=onto.issues[i].broader) for i in issues]
    actor_ids = []
    for n in range(actors):
        types = rng.choice(ACTOR_TYPES)
        prefix = {"Person": "person", "LivedExperienceGroup": "group"}.get(types[0], "org")
        actor_ids.append(f"{prefix}:gen-{seed}-{n}")
        nodes.append(node(actor_ids[-1], types, f"Actor {n}", experience=rng.choice(EXPERIENCE)))
    spaces = [f"space:gen-{seed}-{n}" for n in range(max(1, actors // 25))]
    for n, space in enumerate(spaces):
        nodes.append(
            node(
                space,
                ("DecisionSpace",),
                f"Space {n}",
                space=rng.choice(["closed", "invited", "claimed"]),
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

    funders = [
        a for a, n in zip(actor_ids, nodes[len(issues) :], strict=False) if "Funder" in n.labels
    ] or actor_ids[:1]
    active = actor_ids[: max(1, int(len(actor_ids) * 0.95))]  # the last 5% stay isolated
    grantees = active + inits + spaces[:3]
    links: list[StoredLink] = []

    def link(rel: str, source: str, target: str, **props: Any) -> None:
        if source == target:
            return
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

    kinds = [
        "FUNDS",
        "SITS_IN",
        "WORKS_ON",
        "PARTNERS_WITH",
        "MEMBER_OF",
        "INVOLVES",
        "INFLUENCES",
        "AFFECTED_BY",
        "CONTROLS",
        "NEEDS",
        "DECIDES_ON",
        "REPRESENTS",
        "PARTICIPATES_IN",
    ]
    weights = [12, 8, 14, 10, 8, 8, 8, 6, 5, 4, 3, 3, 3]
    for _ in range(int(actors * links_per_actor)):
        rel = rng.choices(kinds, weights)[0]
        a = rng.choice(active)
        b = rng.choice(active)
        some_issues = sorted(set(rng.sample(issues, rng.randint(0, 2))))
        if rel == "FUNDS":
            funder = funders[min(int(rng.paretovariate(1.2)) - 1, len(funders) - 1)]
            target = rng.choice(grantees)
            amount = int(rng.paretovariate(1.1) * 1000) * 100 if rng.random() < 0.9 else None
            link(
                rel,
                funder,
                target,
                amount_minor=amount,
                currency="GBP" if amount else None,
                issues=some_issues,
                programme=rng.choice(["core", "projects", None]),
                **period(),
            )
        elif rel == "SITS_IN":
            link(rel, a, rng.choice(spaces), seat_type=rng.choice(SEATS), **period())
        elif rel in ("WORKS_ON", "AFFECTED_BY"):
            link(rel, a, rng.choice(issues), **period())
        elif rel == "INVOLVES":
            link(
                rel,
                rng.choice([a, rng.choice(spaces)]),
                b,
                rung=rng.choice(rungs),
                issues=some_issues,
                **period(),
            )
        elif rel == "INFLUENCES":
            link(
                rel,
                a,
                rng.choice([b, rng.choice(spaces)]),
                strength=rng.randint(1, 5),
                issues=some_issues,
                **period(),
            )
        elif rel in ("CONTROLS", "NEEDS"):
            link(rel, a, rng.choice(resources), **period())
        elif rel == "DECIDES_ON":
            link(rel, rng.choice(spaces), rng.choice(issues), **period())
        elif rel == "MEMBER_OF":
            link(rel, a, b, role=rng.choice(["member", "trustee", None]), **period())
        elif rel == "PARTICIPATES_IN":
            link(rel, a, rng.choice(inits), **period())
        else:  # PARTNERS_WITH, REPRESENTS
            link(rel, a, b, **period())
        if rng.random() < 0.02 and links:  # a parallel link: same ends, another type
            last = links[-1]
            if last.type == "FUNDS" and last.target in actor_ids:
                link("MEMBER_OF", last.source, last.target, role="trustee")
    return nodes, links


def load_generated(
    backend: Backend, nodes: list[StoredNode], links: list[StoredLink], *, chunk: int = 50_000
) -> None:
    """Write generated records straight to a backend, in batches (no history entries)."""
    for start in range(0, max(len(nodes), len(links), 1), chunk):
        cs = ChangeSet(
            f"cs-generated-{start}", "2026-01-01T00:00:00+00:00", "generator", "load", "generated graph"
        )
        backend.apply(Batch(cs, upsert_nodes=nodes[start : start + chunk]))
    for start in range(0, len(links), chunk):
        cs = ChangeSet(
            f"cs-generated-links-{start}", "2026-01-01T00:00:00+00:00", "generator", "load", "generated"
        )
        backend.apply(Batch(cs, upsert_links=links[start : start + chunk]))
