"""The project's own learning, for people: checks on events, and the Resource Pinboard and
insights as listings (the stage-5 brief of one deep dive is in psp_graph/brief.py).

Everything here reads through the analysis layer (``load_data`` and named queries) and
shows names with privacy applied: a private person or story is shown by pseudonym, and
the brief shows participants only as counts.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from psp_graph.analysis.data import AnalysisData, load_data, select_issues
from psp_graph.analysis.learning import insight_evidence, relevant_to_issues
from psp_graph.graph import Graph
from psp_graph.ontology import Ontology
from psp_graph.reading import Reader
from psp_graph.views import cell_text

__all__ = [
    "INSIGHT_COLUMNS",
    "PAGE_STYLE",
    "PINBOARD_COLUMNS",
    "event_flags",
    "insight_rows",
    "jinja_env",
    "md_cell",
    "phase_on",
    "pinboard_rows",
    "readers_for",
    "render_rows",
]

PINBOARD_COLUMNS = ("id", "title", "kind", "url", "date", "pinned_by", "pinned_on", "about", "illustrative")
INSIGHT_COLUMNS = (
    "id",
    "insight",
    "kind",
    "stage",
    "date",
    "raised_at",
    "evidence",
    "status",
    "about",
    "illustrative",
)


# -- checks -------------------------------------------------------------------
def _within(onto: Ontology, scheme: str, code: str, day: str) -> bool:
    vocab = onto.vocabularies[scheme]
    start, end = vocab.starts.get(code), vocab.ends.get(code)
    return (start is None or start <= day) and (end is None or day <= end)


def phase_on(onto: Ontology, day: str) -> str | None:
    """The phase whose dates contain ``day`` (phases do not overlap), else None."""
    found = [c for c in onto.vocabularies["Phase"].codes if _within(onto, "Phase", c, day)]
    return found[0] if len(found) == 1 else None


def event_flags(onto: Ontology, props: dict[str, Any], today: datetime.date | None = None) -> list[str]:
    """Why an event's date looks wrong: in the future, outside every stage, or outside
    the dates of its own stage or phase. Empty when all is well (or there is no date)."""
    day = props.get("date")
    if not day:
        return []
    today = today or datetime.date.today()
    flags = []
    if day > today.isoformat():
        flags.append(f"dated {day}, in the future")
    stages = onto.vocabularies["Stage"]
    if not any(_within(onto, "Stage", c, day) for c in stages.codes):
        first, last = min(stages.starts.values()), max(stages.ends.values())
        flags.append(f"dated {day}, outside every stage's dates ({first} to {last})")
    for attr, scheme in (("stage", "Stage"), ("phase", "Phase")):
        code = props.get(attr)
        if code and not _within(onto, scheme, str(code), day):
            vocab = onto.vocabularies[scheme]
            flags.append(
                f"dated {day}, outside {attr} {code}'s dates "
                f"({vocab.starts.get(str(code))} to {vocab.ends.get(str(code))})"
            )
    return flags


# -- listings -------------------------------------------------------------------
def _names(data: AnalysisData, ids: Any, shown: Reader) -> list[str]:
    return sorted(shown.shown(data.nodes[i]).name for i in ids if i in data.nodes)


def readers_for(graph: Graph, include_private: bool) -> tuple[Reader, Reader]:
    """Every node as it is (for counts and selection), and the door that names them."""
    return graph.reader(include_private=True), graph.reader(include_private=include_private)


def pinboard_rows(
    graph: Graph, issue: str | None = None, *, include_private: bool = False
) -> list[dict[str, Any]]:
    """The Resource Pinboard, newest pin first: what, who pinned it and when, about what."""
    store, shown = readers_for(graph, include_private)
    data = load_data(store, None)
    selected = relevant_to_issues(data, select_issues(store, issue))
    pins: dict[str, list[Any]] = {}
    about: dict[str, set[str]] = {}
    for link in data.of_type("PINNED"):
        pins.setdefault(link.target, []).append(link)
    for link in data.of_type("ABOUT"):
        about.setdefault(link.source, set()).add(link.target)
    rows = []
    for node in data.nodes.values():
        if "PinboardItem" not in node.labels or (selected is not None and node.id not in selected):
            continue
        pinned = pins.get(node.id, [])
        rows.append(
            {
                "id": node.id,
                "title": shown.shown(node).name,
                "kind": node.props.get("kind"),
                "url": node.props.get("url"),
                "date": node.props.get("date"),
                "pinned_by": _names(data, {p.source for p in pinned}, shown),
                "pinned_on": min((str(p.props["date"]) for p in pinned if p.props.get("date")), default=None),
                "about": _names(data, about.get(node.id, ()), shown),
                "illustrative": bool(node.props.get("illustrative")),
            }
        )
    rows.sort(key=lambda r: (r["pinned_on"] or "", r["id"]), reverse=True)
    return rows


def insight_rows(
    graph: Graph, issue: str | None = None, stage: str | None = None, *, include_private: bool = False
) -> list[dict[str, Any]]:
    """Insights by stage, with where they were raised and their evidence; unevidenced ones say so."""
    store, shown = readers_for(graph, include_private)
    data = load_data(store, None)
    raised: dict[str, set[str]] = {}
    about: dict[str, set[str]] = {}
    for link in data.of_type("RAISED_AT"):
        raised.setdefault(link.source, set()).add(link.target)
    for link in data.of_type("ABOUT"):
        about.setdefault(link.source, set()).add(link.target)
    rows = []
    for found in insight_evidence(data, select_issues(store, issue), stage):
        node = data.nodes[found["insight_id"]]
        rows.append(
            {
                "id": node.id,
                "insight": shown.shown(node).name,
                "kind": node.props.get("kind"),
                "stage": node.props.get("stage"),
                "date": node.props.get("date"),
                "raised_at": _names(data, raised.get(node.id, ()), shown),
                "evidence": _names(data, found["evidence_ids"], shown),
                "status": "unevidenced" if found["unevidenced"] else "evidenced",
                "about": _names(data, about.get(node.id, ()), shown),
                "illustrative": bool(node.props.get("illustrative")),
            }
        )
    rows.sort(key=lambda r: (str(r["stage"] or "9"), r["date"] or "", r["id"]))
    return rows


def md_cell(value: Any) -> str:
    """A value for Markdown: HTML escaped (Markdown passes raw HTML through), pipes escaped, one line."""
    import html

    text = html.escape(cell_text(value), quote=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "\\`")


def render_rows(rows: list[dict[str, Any]], columns: tuple[str, ...], fmt: str, title: str) -> str:
    """Rows as Markdown, a standalone escaped HTML page, or CSV."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell_text(r.get(c)) for c in columns] for r in rows])
        return buffer.getvalue()
    if fmt == "md":
        lines = [f"# {md_cell(title)}", ""]
        if not rows:
            return "\n".join([*lines, "No results.", ""])
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|" + "---|" * len(columns))
        lines += ["| " + " | ".join(md_cell(r.get(c)) for c in columns) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    env = jinja_env()
    return str(env.from_string(_TABLE_PAGE).render(title=title, columns=columns, rows=rows, cell=cell_text))


def jinja_env() -> Any:
    try:
        import jinja2
    except ImportError:  # pragma: no cover - Jinja2 comes with the maps extra
        from psp_graph.exc import PspGraphError

        raise PspGraphError("HTML output needs Jinja2: pip install 'psp-graph[maps]'") from None
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


PAGE_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.notice{background:#fff4d6;border:1px solid #e0b84a;padding:.6rem 1rem}.muted{color:#666}"""

_TABLE_PAGE = (
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title><style>"""
    + PAGE_STYLE
    + """</style></head><body><h1>{{ title }}</h1>
{% if rows %}<table><thead><tr>{% for c in columns %}<th>{{ c }}</th>{% endfor %}</tr></thead><tbody>
{% for r in rows %}<tr>{% for c in columns %}<td>{{ cell(r.get(c)) }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% else %}<p>No results.</p>{% endif %}</body></html>
"""
)
