"""psp record: the project's own learning as it happens (events, participants, support,
burning issues, insights, stories, recommendations, pilots).

Every record command writes its node and links as one all-or-nothing change set.
The listings and the brief are in psp_graph/cli/learning.py.
"""

from __future__ import annotations

from typing import Any

import click

from psp_graph.cli.common import handle_errors, open_graph, store_option, warn
from psp_graph.cli.recording import (
    Citation,
    about_links,
    citing,
    done,
    exists,
    issue_option,
    need_name,
    node_id_for,
    raised_option,
    resolve,
    resolve_all,
    write_record,
)


@click.group()
def record() -> None:
    """Record what the community of practice learns: events and who took part, support,
    burning issues, insights, stories, recommendations and pilots.

    Example: psp record event "Community of practice, May 2020" --kind workshop --date 2020-05-12 --stage 2
    """


@record.command("event")
@click.argument("name", required=False)
@click.option(
    "--kind", help="workshop, roundtable, interview, literature_review, visit or training.", required=True
)
@click.option("--date", "date", help="YYYY-MM-DD (YYYY or YYYY-MM also work).", required=True)
@click.option("--stage", help="1-5 (1 what does good look like ... 5 sharing insights).")
@click.option("--phase", help="one, two or three (worked out from the date when left out).")
@click.option("--format", "event_format", help="in_person, online or hybrid.")
@click.option("--lived", type=click.IntRange(min=0), help="How many took part with lived experience.")
@click.option("--learnt", type=click.IntRange(min=0), help="How many took part with learnt experience.")
@click.option("--both", type=click.IntRange(min=0), help="How many took part with both.")
@click.option("--organiser", help="Who convened it (id or exact name).")
@click.option("--id", "node_id", help="An id such as event:cop-may-2020 (made from the name if left out).")
@click.option("--description")
@issue_option
@citing
@store_option
@handle_errors
def record_event(
    store: str | None,
    name: str | None,
    node_id: str | None,
    organiser: str | None,
    issues: tuple[str, ...],
    cite: Citation,
    **fields: Any,
) -> None:
    """Record an event: when, which stage and phase, and how many took part by experience
    (counts only; name participants who consent with psp record participant).

    An event dated in the future, or outside the dates of every stage (or of its own
    stage or phase), is recorded with a warning.

    Example: psp record event "Community of practice, May 2020" --kind workshop --date 2020-05-12 --stage 2 --lived 11 --learnt 6
    """
    from psp_graph.learning import event_flags, phase_on
    from psp_graph.values import parse_date

    title = need_name(name, "an event")
    node: dict[str, Any] = {"name": title, "types": ["Event"]}
    renames = {"event_format": "format", "lived": "participants_lived", "learnt": "participants_learnt"}
    renames["both"] = "participants_both"
    for key, value in fields.items():
        if value is not None:
            node[renames.get(key, key)] = value
    with open_graph(store) as graph:
        node["id"] = node_id_for(graph, "event", title, node_id)
        day = parse_date(node["date"]).isoformat()
        if "phase" not in node and phase_on(graph.onto, day):
            node["phase"] = phase_on(graph.onto, day)
        links = about_links(graph, node["id"], issues)
        if organiser:
            links.append({"type": "ORGANISES", "from": resolve(graph, organiser), "to": node["id"]})
        result = write_record(graph, node, "events", links, cite, "record event")
        stored = graph.reader(include_private=True).node(node["id"])
        for flag in event_flags(graph.onto, stored.props):
            warn(f"{node['id']}: {flag}")
        done(result, node["id"])


@record.command("participant")
@click.argument("event")
@click.option("--actor", help="An actor already in the graph who took part (id or exact name).")
@click.option("--name", help="A person's name: stored privately (shown by pseudonym) unless --consent.")
@click.option("--experience", help="lived, learnt or both.")
@click.option("--consent", is_flag=True, default=None, help="The person agreed to be named.")
@citing
@store_option
@handle_errors
def record_participant(
    store: str | None,
    event: str,
    actor: str | None,
    name: str | None,
    experience: str | None,
    consent: bool | None,
    cite: Citation,
    **_: Any,
) -> None:
    """Name one participant of an event. A person without recorded consent is private:
    outputs show a pseudonym, and briefs and queries only count them.

    Example: psp record participant event:cop-may-2020 --actor "Northbank Tenants Union" --experience lived
    """
    from psp_graph.ids import new_person_id

    if bool(actor) == bool(name):
        raise click.ClickException("give either --actor (someone in the graph) or --name (a new person)")
    with open_graph(store) as graph:
        event_id = resolve(graph, event)
        if "Event" not in graph.reader(include_private=True).node(event_id).labels:
            raise click.ClickException(f"'{event_id}' is not an event")
        node: dict[str, Any] | None = None
        if name:
            who = new_person_id()
            node = {"id": who, "name": name, "types": ["Person"], "consent": bool(consent)}
            if experience:
                node["experience"] = experience
        else:
            who = resolve(graph, str(actor))
        link: dict[str, Any] = {"type": "TAKES_PART_IN", "from": who, "to": event_id}
        if experience:
            link["experience"] = experience
        result = write_record(graph, node, "actors", [link], cite, "record participant")
        if name and not consent:
            warn(f"{who}: no consent recorded, so this person is private (shown by pseudonym)")
        done(result, f"{who} took part in {event_id}")


@record.command("support")
@click.argument("event")
@click.option("--from", "giver", required=True, help="Who gave the support (id or exact name).")
@click.option("--kind", "support_kind", required=True, help="paid_time, expenses or equipment.")
@click.option("--amount", help="How much, in pounds.")
@click.option("--people", type=click.IntRange(min=0), help="How many people it reached.")
@citing
@store_option
@handle_errors
def record_support(
    store: str | None,
    event: str,
    giver: str,
    cite: Citation,
    confidence: str | None,
    **fields: Any,
) -> None:
    """Record support given so that income is no barrier to taking part (a resource that flows).

    Example: psp record support event:cop-may-2020 --from "Larchwood Foundation" --kind paid_time --amount 990 --people 11
    """
    with open_graph(store) as graph:
        link: dict[str, Any] = {
            "type": "SUPPORTS",
            "from": resolve(graph, giver),
            "to": resolve(graph, event),
        }
        link.update({k: v for k, v in fields.items() if v is not None})
        if confidence:
            link["confidence"] = confidence
        result = write_record(graph, None, "links", [link], cite, "record support")
        done(result, str((result.ids or ["support"])[-1]))


@record.command("burning-issue")
@click.argument("name", required=False)
@click.option("--polarity", help="barrier or enabler of power sharing.")
@click.option("--description")
@click.option("--id", "node_id", help="An id such as burning:short-term-funding.")
@raised_option
@issue_option
@citing
@store_option
@handle_errors
def record_burning_issue(
    store: str | None,
    name: str | None,
    node_id: str | None,
    raised_at: tuple[str, ...],
    issues: tuple[str, ...],
    cite: Citation,
    **fields: Any,
) -> None:
    """Add a burning issue (a barrier or enabler of power sharing, not a topic), or record
    that it was raised again at another event.

    Example: psp record burning-issue "Short-term funding" --polarity barrier --raised-at event:cop-may-2020
    """
    title = need_name(name, "a burning issue")
    node: dict[str, Any] = {"name": title, "types": ["BurningIssue"]}
    node.update({k: v for k, v in fields.items() if v is not None})
    with open_graph(store) as graph:
        burning_id = node["id"] = node_id_for(graph, "burning", title, node_id)
        links = [{"type": "RAISED_AT", "from": burning_id, "to": e} for e in resolve_all(graph, raised_at)]
        links += about_links(graph, burning_id, issues)
        again = set(node) <= {"id", "name", "types"} and exists(graph, burning_id)
        result = write_record(
            graph,
            None if again else node,  # raised again: add where, keep what is recorded about it
            "burning_issues",
            links,
            cite,
            "record burning issue",
        )
        done(result, burning_id)


@record.command("insight")
@click.argument("name", required=False)
@click.option("--kind", help="finding, good_practice, barrier or vision.")
@click.option("--stage", help="1-5.")
@click.option("--date", help="YYYY-MM-DD.")
@click.option("--id", "node_id", help="An id such as insight:funders-hold-the-pen.")
@click.option(
    "--evidence",
    multiple=True,
    help="An event, source, pinboard item, story, practice example or pilot; repeatable.",
)
@raised_option
@issue_option
@citing
@store_option
@handle_errors
def record_insight(
    store: str | None,
    name: str | None,
    node_id: str | None,
    evidence: tuple[str, ...],
    raised_at: tuple[str, ...],
    issues: tuple[str, ...],
    cite: Citation,
    **fields: Any,
) -> None:
    """Record an insight with where it was raised and its evidence. An insight without
    evidence is kept, and listed as unevidenced until evidence is added.

    Example: psp record insight "Funders hold the pen" --kind finding --stage 2 --raised-at event:cop-may-2020 --evidence pin:who-sits-on-the-panel
    """
    title = need_name(name, "an insight")
    node: dict[str, Any] = {"name": title, "types": ["Insight"]}
    node.update({k: v for k, v in fields.items() if v is not None})
    with open_graph(store) as graph:
        node["id"] = node_id_for(graph, "insight", title, node_id)
        links = [{"type": "RAISED_AT", "from": node["id"], "to": e} for e in resolve_all(graph, raised_at)]
        links += [{"type": "EVIDENCED_BY", "from": node["id"], "to": e} for e in resolve_all(graph, evidence)]
        links += about_links(graph, node["id"], issues)
        result = write_record(graph, node, "insights", links, cite, "record insight")
        if not evidence:
            warn(f"{node['id']}: no evidence yet; psp insights lists it as unevidenced")
        done(result, node["id"])


@record.command("story")
@click.argument("name", required=False)
@click.option(
    "--consent-to-share",
    "consent_to_share",
    is_flag=True,
    help="The teller agreed the story may be recorded.",
)
@click.option("--told-by", "told_by", help="Whose story it is (id or exact name).")
@click.option("--date", help="YYYY-MM-DD.")
@click.option("--stage", help="1-5.")
@click.option("--description", help="The story, in a few lines (kept private unless --privacy public).")
@click.option("--privacy", help="private (default), internal or public.")
@click.option("--id", "node_id", help="An id such as story:from-consulted-to-chair.")
@raised_option
@issue_option
@citing
@store_option
@handle_errors
def record_story(
    store: str | None,
    name: str | None,
    node_id: str | None,
    consent_to_share: bool,
    told_by: str | None,
    raised_at: tuple[str, ...],
    issues: tuple[str, ...],
    cite: Citation,
    **fields: Any,
) -> None:
    """Record a change-maker's story: only with the teller's consent, private by default.

    Example: psp record story "From consulted to chair" --consent-to-share --told-by group:kettlebridge-parents-food-collective
    """
    title = need_name(name, "a story")
    if not consent_to_share:
        raise click.ClickException("a story is recorded only with the teller's consent (--consent-to-share)")
    node: dict[str, Any] = {"name": title, "types": ["Story"], "consent_to_share": True}
    node.update({k: v for k, v in fields.items() if v is not None})
    with open_graph(store) as graph:
        node["id"] = node_id_for(graph, "story", title, node_id)
        links = [{"type": "RAISED_AT", "from": node["id"], "to": e} for e in resolve_all(graph, raised_at)]
        if told_by:
            links.append({"type": "TOLD_BY", "from": node["id"], "to": resolve(graph, told_by)})
        links += about_links(graph, node["id"], issues)
        result = write_record(graph, node, "stories", links, cite, "record story")
        done(result, node["id"])


@record.command("recommendation")
@click.argument("name", required=False)
@click.option(
    "--to",
    "targets",
    multiple=True,
    help="An actor or decision space it asks to change; repeatable, at least one.",
)
@click.option(
    "--evidence", multiple=True, help="An insight, event, source, pilot ... it rests on; repeatable."
)
@click.option("--stage", help="1-5 (usually 5).")
@click.option("--date", help="YYYY-MM-DD.")
@click.option("--id", "node_id", help="An id such as rec:pay-for-participation.")
@issue_option
@citing
@store_option
@handle_errors
def record_recommendation(
    store: str | None,
    name: str | None,
    node_id: str | None,
    targets: tuple[str, ...],
    evidence: tuple[str, ...],
    issues: tuple[str, ...],
    cite: Citation,
    **fields: Any,
) -> None:
    """Record a recommendation and whom it is addressed to (at least one target).

    Example: psp record recommendation "Pay people for their time" --to org:metro-food-aid-network --evidence insight:pay-for-expertise
    """
    title = need_name(name, "a recommendation")
    if not targets:
        raise click.ClickException(
            "a recommendation needs at least one target (--to ACTOR or DECISION SPACE)"
        )
    node: dict[str, Any] = {"name": title, "types": ["Recommendation"]}
    node.update({k: v for k, v in fields.items() if v is not None})
    with open_graph(store) as graph:
        node["id"] = node_id_for(graph, "rec", title, node_id)
        links = [{"type": "ADDRESSED_TO", "from": node["id"], "to": t} for t in resolve_all(graph, targets)]
        links += [{"type": "EVIDENCED_BY", "from": node["id"], "to": e} for e in resolve_all(graph, evidence)]
        links += about_links(graph, node["id"], issues)
        result = write_record(graph, node, "recommendations", links, cite, "record recommendation")
        done(result, node["id"])


@record.command("pilot")
@click.argument("name", required=False)
@click.option("--by", "organisation", required=True, help="The organisation exploring power sharing.")
@click.option("--valid-from", help="When the pilot started.")
@click.option("--valid-to", help="When it ended.")
@click.option("--stage", help="1-5 (usually 4).")
@click.option("--id", "node_id", help="An id such as pilot:metro-food-aid-network-shares-power.")
@issue_option
@citing
@store_option
@handle_errors
def record_pilot(
    store: str | None,
    name: str | None,
    node_id: str | None,
    organisation: str,
    issues: tuple[str, ...],
    cite: Citation,
    **fields: Any,
) -> None:
    """Record a pilot: an organisation exploring power sharing. What it changes is read
    from its dated links (psp query pilot-change).

    Example: psp record pilot "Food network shares power" --by org:metro-food-aid-network --valid-from 2021-01 --valid-to 2021-12
    """
    title = need_name(name, "a pilot")
    node: dict[str, Any] = {"name": title, "types": ["Pilot"]}
    node.update({k: v for k, v in fields.items() if v is not None})
    with open_graph(store) as graph:
        node["id"] = node_id_for(graph, "pilot", title, node_id)
        links = [{"type": "PILOTED_BY", "from": node["id"], "to": resolve(graph, organisation)}]
        links += about_links(graph, node["id"], issues)
        result = write_record(graph, node, "pilots", links, cite, "record pilot")
        done(result, node["id"])
