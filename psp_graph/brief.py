"""The stage-5 brief of one deep dive: who holds the money and the seats, the gaps, the
burning issues, insights and recommendations, participation and sources, as Markdown or
HTML (``psp brief ISSUE``). Participants are shown only as counts; every name goes
through the read door with privacy applied.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from psp_graph.analysis.data import load_data, select_issues
from psp_graph.graph import Graph
from psp_graph.learning import PAGE_STYLE, insight_rows, jinja_env, md_cell, readers_for
from psp_graph.views import cell_text

__all__ = ["Brief", "build_brief", "render_brief"]


# -- the brief ------------------------------------------------------------------
@dataclass
class Brief:
    """Everything a stage-5 brief of one deep dive shows (all names privacy-safe)."""

    issue_id: str
    issue: str
    generated: str
    money: list[dict[str, Any]]
    seats: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    burning: list[dict[str, Any]]
    insights: list[dict[str, Any]]
    recommendations: list[dict[str, Any]]
    participation: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    illustrative: bool
    map_link: str | None = None
    notes: list[str] = field(default_factory=list)


def build_brief(
    graph: Graph, issue: str, *, map_link: str | None = None, include_private: bool = False
) -> Brief:
    """Gather the brief of one issue's deep dive from the named queries."""
    from psp_graph.analysis import run_query

    store, shown = readers_for(graph, include_private)
    issues = select_issues(store, issue)
    assert issues is not None
    data = load_data(store, None)

    def broader(issue_id: str) -> Any:
        node = data.nodes.get(issue_id)
        concept = graph.onto.issues.get(issue_id)
        return node.props.get("broader") if node else (concept.broader if concept else None)

    # The selected issue itself: the one whose broader issue is not in the selection.
    issue_id = next(i for i in issues if broader(i) not in issues)
    issue_node = data.nodes.get(issue_id)
    concept = graph.onto.issues.get(issue_id)
    issue_name = issue_node.name if issue_node else (concept.label if concept else issue_id)

    def q(name: str, **params: Any) -> list[dict[str, Any]]:
        return run_query(graph, name, {"issue": issue, **params}, include_private=include_private).rows

    ranking = q("power-ranking")
    money_by_actor = [r for r in ranking if r["money_granted_minor"]]
    money_by_actor.sort(key=lambda r: (-r["money_granted_minor"], r["id"]))
    seats = q("decision-spaces")
    names = {r["space_id"]: r for r in seats}
    space_rows = [
        {
            "space": shown.shown(data.nodes[s]).name,
            "kind": r["space"],
            "seats": r["seats"],
            "lived_share": r["lived_share"],
            "lived_voting_share": r["lived_voting_share"],
        }
        for s, r in sorted(names.items())
        if s in data.nodes
    ]
    gaps = q("collaboration-gaps")
    burning = q("burning-issues")
    insights = insight_rows(graph, issue, include_private=include_private)
    recs = q("recommendation-targets")
    participation = q("community-balance")
    in_brief = (
        {r["id"] for r in money_by_actor[:10]}
        | set(names)
        | {r["burning_id"] for r in burning}
        | {r["id"] for r in insights}
        | {r["recommendation_id"] for r in recs}
        | {r["target_id"] for r in recs}
    )
    cited: set[str] = set()
    illustrative = False
    for node_id in in_brief:
        node = data.nodes.get(node_id)
        if node is not None:
            cited.update(node.props.get("sources", []))
            illustrative = illustrative or bool(node.props.get("illustrative"))
    for link in data.links:
        if link.source in in_brief and link.type in (
            "FUNDS",
            "SITS_IN",
            "RAISED_AT",
            "EVIDENCED_BY",
            "ADDRESSED_TO",
        ):
            cited.update(link.props.get("sources", []))
            illustrative = illustrative or bool(link.props.get("illustrative"))
    sources = [
        {
            "id": s,
            "name": shown.shown(data.nodes[s]).name,
            "url": data.nodes[s].props.get("url"),
            "publisher": data.nodes[s].props.get("publisher"),
            "illustrative": bool(data.nodes[s].props.get("illustrative")),
        }
        for s in sorted(cited)
        if s in data.nodes
    ]
    return Brief(
        issue_id=issue_id,
        issue=issue_name,
        generated=datetime.date.today().isoformat(),
        money=money_by_actor[:10],
        seats=space_rows,
        gaps=gaps[:20],
        burning=burning,
        insights=insights,
        recommendations=recs,
        participation=participation,
        sources=sources,
        illustrative=illustrative,
        map_link=map_link,
        notes=[f"{len(gaps) - 20} more gaps not shown"] if len(gaps) > 20 else [],
    )


def _web(url: Any) -> str | None:
    """A URL that may become a link: http(s) only (never javascript: or data:)."""
    text = str(url or "")
    return text if text.lower().startswith(("http://", "https://")) else None


def _money(minor: Any) -> str:
    return f"£{int(minor) / 100:,.0f}" if minor is not None else ""


def _share(value: Any) -> str:
    return f"{value:.0%}" if isinstance(value, int | float) else "no seats"


def _rank(value: Any) -> str:
    return f"#{value}" if value is not None else "not ranked"


def render_brief(brief: Brief, fmt: str) -> str:
    """The brief as Markdown or a self-contained HTML page (every value escaped)."""
    context = {"b": brief, "money": _money, "share": _share, "rank": _rank, "cell": cell_text, "web": _web}
    if fmt == "md":
        import jinja2

        # Markdown, not HTML: every value goes through the md filter, which escapes HTML itself.
        env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, trim_blocks=True)  # noqa: S701
        env.filters["md"] = md_cell
        return str(env.from_string(_BRIEF_MD).render(**context))
    env = jinja_env()
    return str(env.from_string(_BRIEF_HTML).render(style=PAGE_STYLE, **context))


_BRIEF_MD = """# Who holds power on {{ b.issue | md }}: a brief from the Power Sharing Project
{% if b.illustrative %}

> **Illustrative data.** Some or all of what follows is made-up example data (marked `illustrative` in the graph); it describes no real organisation or person.
{% endif %}

Generated {{ b.generated }} by psp-graph for `{{ b.issue_id }}` and its narrower issues. A power score is a prompt for discussion, not a verdict. People who have not consented are counted, never named.

{% if b.map_link %}Power map: [{{ b.map_link | md }}]({{ b.map_link | md }})
{% else %}Power map: draw it with `psp map --issue {{ b.issue_id | md }} -o map.html`.
{% endif %}

## Who holds the money

| funder | money granted | power rank |
|---|---|---|
{% for r in b.money %}| {{ r.name | md }} | {{ money(r.money_granted_minor) }} | {{ rank(r.rank) }} |
{% else %}| no grants recorded | | |
{% endfor %}

## Who holds the decision seats

| decision space | kind | seats | lived-experience share | of voting seats |
|---|---|---|---|---|
{% for r in b.seats %}| {{ r.space | md }} | {{ r.kind | md }} | {{ r.seats }} | {{ share(r.lived_share) }} | {{ share(r.lived_voting_share) }} |
{% else %}| no decision spaces recorded | | | | |
{% endfor %}

## The gaps

{% for g in b.gaps %}- {{ g.gap | md }}: {{ g.a_name | md }}{% if g.b_name %} and {{ g.b_name | md }}{% endif %}{% if g.issue %} ({{ g.issue | md }}){% endif %}

{% else %}No gaps found.
{% endfor %}
{% for n in b.notes %}_{{ n | md }}_
{% endfor %}

## Burning issues

| burning issue | barrier or enabler | events | sources | insights |
|---|---|---|---|---|
{% for r in b.burning %}| {{ r.burning_issue | md }} | {{ r.polarity | md }} | {{ r.events }} | {{ r.sources }} | {{ r.insights }} |
{% else %}| none recorded | | | | |
{% endfor %}

## Insights and their evidence

{% for r in b.insights %}- **{{ r.insight | md }}** ({{ r.kind | md }}, stage {{ r.stage | md }}){% if r.status == "unevidenced" %} — *unevidenced*{% else %} — evidence: {{ cell(r.evidence) | md }}{% endif %}

{% else %}No insights recorded.
{% endfor %}

## Recommendations and who they ask to change

| recommendation | addressed to | power rank | evidence |
|---|---|---|---|
{% for r in b.recommendations %}| {{ r.recommendation | md }} | {{ r.target | md }} | {{ rank(r.power_rank) }} | {{ r.evidence }} |
{% else %}| none recorded | | | |
{% endfor %}

## Who took part (counts only)

| stage | by | group | participants | events |
|---|---|---|---|---|
{% for r in b.participation %}| {{ r.stage | md }} | {{ r.dimension | md }} | {{ r.group | md }} | {{ r.participants }} | {{ r.events }} |
{% else %}| no events recorded | | | | |
{% endfor %}

## Sources

{% for s in b.sources %}- {{ s.name | md }}{% if s.publisher %}, {{ s.publisher | md }}{% endif %}{% if s.url %} <{{ s.url | md }}>{% endif %}{% if s.illustrative %} (illustrative){% endif %}

{% endfor %}
"""

_BRIEF_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Who holds power on {{ b.issue }}</title><style>{{ style }}</style></head><body>
<h1>Who holds power on {{ b.issue }}</h1>
<p class="muted">A brief from the Power Sharing Project, generated {{ b.generated }} by psp-graph for <code>{{ b.issue_id }}</code> and its narrower issues. A power score is a prompt for discussion, not a verdict. People who have not consented are counted, never named.</p>
{% if b.illustrative %}<p class="notice"><strong>Illustrative data.</strong> Some or all of what follows is made-up example data (marked <code>illustrative</code> in the graph); it describes no real organisation or person.</p>{% endif %}
{% if b.map_link %}<p>Power map: <a href="{{ b.map_link }}">{{ b.map_link }}</a></p>
{% else %}<p>Power map: draw it with <code>psp map --issue {{ b.issue_id }} -o map.html</code>.</p>{% endif %}
<h2>Who holds the money</h2>
<table><tr><th>funder</th><th>money granted</th><th>power rank</th></tr>
{% for r in b.money %}<tr><td>{{ r.name }}</td><td>{{ money(r.money_granted_minor) }}</td><td>{{ rank(r.rank) }}</td></tr>
{% else %}<tr><td colspan="3">no grants recorded</td></tr>{% endfor %}</table>
<h2>Who holds the decision seats</h2>
<table><tr><th>decision space</th><th>kind</th><th>seats</th><th>lived-experience share</th><th>of voting seats</th></tr>
{% for r in b.seats %}<tr><td>{{ r.space }}</td><td>{{ r.kind }}</td><td>{{ r.seats }}</td><td>{{ share(r.lived_share) }}</td><td>{{ share(r.lived_voting_share) }}</td></tr>
{% else %}<tr><td colspan="5">no decision spaces recorded</td></tr>{% endfor %}</table>
<h2>The gaps</h2>
<ul>{% for g in b.gaps %}<li>{{ g.gap }}: {{ g.a_name }}{% if g.b_name %} and {{ g.b_name }}{% endif %}{% if g.issue %} ({{ g.issue }}){% endif %}</li>
{% else %}<li>No gaps found.</li>{% endfor %}</ul>
{% for n in b.notes %}<p class="muted">{{ n }}</p>{% endfor %}
<h2>Burning issues</h2>
<table><tr><th>burning issue</th><th>barrier or enabler</th><th>events</th><th>sources</th><th>insights</th></tr>
{% for r in b.burning %}<tr><td>{{ r.burning_issue }}</td><td>{{ r.polarity }}</td><td>{{ r.events }}</td><td>{{ r.sources }}</td><td>{{ r.insights }}</td></tr>
{% else %}<tr><td colspan="5">none recorded</td></tr>{% endfor %}</table>
<h2>Insights and their evidence</h2>
<ul>{% for r in b.insights %}<li><strong>{{ r.insight }}</strong> ({{ r.kind }}, stage {{ r.stage }}){% if r.status == "unevidenced" %} — <em>unevidenced</em>{% else %} — evidence: {{ cell(r.evidence) }}{% endif %}</li>
{% else %}<li>No insights recorded.</li>{% endfor %}</ul>
<h2>Recommendations and who they ask to change</h2>
<table><tr><th>recommendation</th><th>addressed to</th><th>power rank</th><th>evidence</th></tr>
{% for r in b.recommendations %}<tr><td>{{ r.recommendation }}</td><td>{{ r.target }}</td><td>{{ rank(r.power_rank) }}</td><td>{{ r.evidence }}</td></tr>
{% else %}<tr><td colspan="4">none recorded</td></tr>{% endfor %}</table>
<h2>Who took part (counts only)</h2>
<table><tr><th>stage</th><th>by</th><th>group</th><th>participants</th><th>events</th></tr>
{% for r in b.participation %}<tr><td>{{ r.stage }}</td><td>{{ r.dimension }}</td><td>{{ r.group }}</td><td>{{ r.participants }}</td><td>{{ r.events }}</td></tr>
{% else %}<tr><td colspan="5">no events recorded</td></tr>{% endfor %}</table>
<h2>Sources</h2>
<ul>{% for s in b.sources %}<li>{{ s.name }}{% if s.publisher %}, {{ s.publisher }}{% endif %}{% if web(s.url) %} <a href="{{ web(s.url) }}">{{ s.url }}</a>{% elif s.url %} {{ s.url }}{% endif %}{% if s.illustrative %} (illustrative){% endif %}</li>
{% endfor %}</ul>
</body></html>
"""
