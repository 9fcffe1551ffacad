"""Money: funding flows and how concentrated funding is (HHI, Gini, top-5 share)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from psp_graph.analysis.data import AnalysisData
from psp_graph.analysis.spec import Params, twin

__all__ = ["concentration", "funding_concentration", "funding_flows"]


FLOW_ATTRIBUTES = ("amount_minor", "currency", "programme", "issues", "valid_from", "valid_to")


def _for_places(link_places: list[str], places: list[str] | None) -> bool:
    return places is None or bool(set(link_places) & set(places))


@twin("funding-flows")
def funding_flows(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Every FUNDS link (of the funder, concerning the selected issues and places),
    filtered by funder, issue and date in the store. O(matching links)."""
    places, funder = params.get("places"), params.get("funder")
    money = data.onto.relations_with_role("money")
    # Places are read only to filter by them.
    attributes = FLOW_ATTRIBUTES if places is None else (*FLOW_ATTRIBUTES, "places")
    if funder:  # the links around the funder (its index), then those it gives
        found = [
            row for row in data.around(money, [funder], attributes, issues, ids=True) if row[2] == funder
        ]
    else:
        found = data.rows(money, attributes, issues)
    return [
        {  # every column in order, names filled later: the runner keeps these rows as they are
            "funder": row[2],
            "funder_name": None,
            "recipient": row[3],
            "recipient_name": None,
            "amount_minor": row[4],
            "currency": row[5],
            "programme": row[6],
            "issues": row[7] or [],
            "valid_from": row[8],
            "valid_to": row[9],
            "link": row[0],
        }
        for row in found
        if places is None or _for_places(row[10] or [], places)
    ]


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
    wanted = None if issues is None else set(issues)
    money = data.onto.relations_with_role("money")
    attributes = ("amount_minor", "issues", "valid_from", "currency", "places")
    for _, _, funder, _, amount, link_issues, start, currency, link_places in data.rows(
        money, attributes, issues
    ):
        if not amount or not _for_places(link_places or [], places):
            continue  # zero-amount (child) grants are not grants here: they move no money
        issue_keys = ["*", *sorted({i for i in link_issues or [] if wanted is None or i in wanted})]
        year_keys = ["*", start[:4]] if start else ["*"]
        for issue in issue_keys:
            for year in year_keys:
                key = (issue, year, str(currency or "GBP"))
                groups[key][funder] += int(amount)
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
