"""Money: funding flows and how concentrated funding is (HHI, Gini, top-5 share)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from psp_graph.analysis.data import AnalysisData
from psp_graph.analysis.spec import Params, twin

__all__ = ["concentration", "funding_concentration", "funding_flows"]


def _concerns(link_issues: list[str], issues: list[str] | None) -> bool:
    return issues is None or bool(set(link_issues) & set(issues))


def _for_places(link_places: list[str], places: list[str] | None) -> bool:
    return places is None or bool(set(link_places) & set(places))


@twin("funding-flows")
def funding_flows(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Every FUNDS link (concerning the selected issues and places). O(links)."""
    places = params.get("places")
    rows = []
    for link in data.of_type(*data.onto.relations_with_role("money")):
        if not _concerns(link.props.get("issues", []), issues):
            continue
        if not _for_places(link.props.get("places", []), places):
            continue
        rows.append(
            {
                "funder": link.source,
                "recipient": link.target,
                "amount_minor": link.props.get("amount_minor"),
                "currency": link.props.get("currency"),
                "programme": link.props.get("programme"),
                "issues": list(link.props.get("issues", [])),
                "valid_from": link.props.get("valid_from"),
                "valid_to": link.props.get("valid_to"),
                "link": link.id,
            }
        )
    return rows


def concentration(totals: list[int]) -> tuple[float | None, float | None, float | None]:
    """(HHI, Gini, top-5 share) of funder totals; all None when the total is 0.

    HHI = sum of squared shares; Gini = 2*sum(i*x_i)/(n*T) - (n+1)/n over totals
    sorted ascending (i from 1); top-5 share = the five largest totals / T.
    """
    total = sum(totals)
    if total == 0:
        return None, None, None
    ordered = sorted(totals)
    n = len(ordered)
    hhi = sum((float(x) / total) ** 2 for x in ordered)
    weighted = sum(float(i) * x for i, x in enumerate(ordered, start=1))
    gini = 2.0 * weighted / (n * float(total)) - (n + 1.0) / n
    top5 = float(sum(ordered[-5:])) / total
    return hhi, gini, top5


@twin("funding-concentration")
def funding_concentration(
    data: AnalysisData, issues: list[str] | None, params: Params
) -> list[dict[str, Any]]:
    """Concentration per (issue or '*', start year or '*', currency). O(links)."""
    places = params.get("places")
    groups: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    grants: dict[tuple[str, str, str], int] = defaultdict(int)
    for link in data.of_type(*data.onto.relations_with_role("money")):
        amount = link.props.get("amount_minor")
        link_issues = link.props.get("issues", [])
        if (
            not amount
            or not _concerns(link_issues, issues)
            or not _for_places(link.props.get("places", []), places)
        ):
            continue  # zero-amount (child) grants are not grants here: they move no money
        issue_keys = ["*", *sorted({i for i in link_issues if issues is None or i in issues})]
        start = link.props.get("valid_from")
        year_keys = ["*", start[:4]] if start else ["*"]
        for issue in issue_keys:
            for year in year_keys:
                key = (issue, year, str(link.props.get("currency", "GBP")))
                groups[key][link.source] += int(amount)
                grants[key] += 1
    rows = []
    for (issue, year, currency), by_funder in groups.items():
        hhi, gini, top5 = concentration(list(by_funder.values()))
        rows.append(
            {
                "issue": issue,
                "year": year,
                "currency": currency,
                "funders": len(by_funder),
                "grants": grants[(issue, year, currency)],
                "total_minor": sum(by_funder.values()),
                "hhi": hhi,
                "gini": gini,
                "top5_share": top5,
            }
        )
    return rows
