"""Generate ontology/REFERENCE.md, the human-readable ontology reference.

Run ``python -m psp_graph.codegen`` (which writes it with the model); a test
fails when the checked-in reference and the ontology disagree.
"""

from __future__ import annotations

from pathlib import Path

from psp_graph.ontology import Ontology, load_ontology

__all__ = ["REFERENCE_PATH", "generate_reference"]

REFERENCE_PATH = Path(__file__).resolve().parent.parent / "ontology" / "REFERENCE.md"


def _issue_lines(onto: Ontology) -> list[str]:
    tree = onto.issue_tree()
    lines: list[str] = []

    def walk(issue_id: str, depth: int) -> None:
        concept = onto.issues[issue_id]
        lines.append(f"{'  ' * depth}- `{issue_id}` **{concept.label}** — {concept.comment}")
        for child in sorted(tree[issue_id]):
            walk(child, depth + 1)

    for top in sorted(i for i, c in onto.issues.items() if c.broader is None):
        walk(top, 0)
    return lines


def generate_reference(onto: Ontology | None = None) -> str:
    """The Markdown text of ontology/REFERENCE.md."""
    onto = onto or load_ontology()
    out = [
        "# Ontology reference",
        "",
        "Generated from [psp.ttl](psp.ttl) by `python -m psp_graph.codegen`; do not edit.",
        "",
        "## Node classes",
        "",
        "| class | is a | id prefix | meaning | attributes of its own |",
        "|---|---|---|---|---|",
    ]
    node_attrs = set(onto.classes["Node"].attributes)
    for name, cls in onto.classes.items():
        parent_attrs = set(onto.classes[cls.parent].attributes) if cls.parent else set()
        own = [a for a in cls.attributes if a not in parent_attrs and (name == "Node" or a not in node_attrs)]
        out.append(
            f"| {name} | {cls.parent or ''} | {cls.id_prefix or ''} | {cls.comment} | {', '.join(own)} |"
        )
    out += ["", "## Roles (held by actors in addition to their class)", "", "| role | meaning |", "|---|---|"]
    out += [f"| {name} | {role.comment} |" for name, role in onto.roles.items()]
    out += [
        "",
        "## Relationship types",
        "",
        'Ends are "any of" the classes listed (and their subclasses). Every link may also carry: '
        + ", ".join(f"`{a}`" for a in onto.link_attributes)
        + ".",
        "",
        "| type | from | to | attributes | key | symmetric | analysis roles | power held by |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, rel in onto.relations.items():
        own = [
            a + ("*" if a in rel.required else "") for a in rel.attributes if a not in onto.link_attributes
        ]
        out.append(
            f"| {name} | {', '.join(rel.domain)} | {', '.join(rel.range)} | {', '.join(own)} | "
            f"{', '.join(rel.keys)} | {'yes' if rel.symmetric else ''} | {', '.join(rel.analysis_roles)} | "
            f"{rel.power_flow} |"
        )
    out += ["", "\\* required.", "", "## Attributes", "", "| attribute | type | meaning |", "|---|---|---|"]
    for name, spec in onto.attributes.items():
        kind = spec.vocabulary or spec.ref_class or spec.datatype
        kind += " (list)" if spec.multiple else ""
        if spec.minimum is not None or spec.maximum is not None:
            kind += f" {spec.minimum if spec.minimum is not None else ''}–{spec.maximum if spec.maximum is not None else ''}"
        out.append(f"| {name} | {kind} | {spec.comment}{' Personal data.' if spec.private else ''} |")
    out += ["", "## Vocabularies", ""]
    for vocab in onto.vocabularies.values():
        out += [f"### {vocab.label}", "", vocab.comment, ""]
        out += [f"- `{code}` — {vocab.comments[code]}" for code in vocab.codes]
        out.append("")
    out += [
        "## Issues",
        "",
        "Narrower issues can be added as data: `psp add issue NAME --broader ISSUE`.",
        "",
    ]
    out += _issue_lines(onto)
    return "\n".join(out) + "\n"
