"""360Giving fields as publishers write them: column titles and JSON paths mapped
to one flat grant, and values (dates, amounts, numbers) parsed tolerantly.

Titles are matched after normalising (case, BOM, spaces around ``:``, repeated
spaces, array indexes such as GrantNav's ``Beneficiary Location:0:Geographic Code``),
so ``recipient org : identifier`` and ``Recipient Org:Identifier`` are one field, and
JSON paths (``recipientOrganization/0/id``, as flattentool writes them) map to the
same fields as the titles.

>>> normalise_title("\\ufeffRecipient Org : Identifier ")
'recipient org:identifier'
>>> normalise_title("Beneficiary Location:0:Geographic Code")
'beneficiary location:geographic code'
>>> FIELD_OF[normalise_title("recipientOrganization/0/id")]
'recipient_id'
>>> parse_grant_date("20/01/2021")
(datetime.date(2021, 1, 20), None)
>>> parse_grant_amount(41133.770000000004, "GBP")
(Decimal('41133.77'), 'rounded to minor units (pence, cents)')
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.values import parse_decimal

__all__ = [
    "FIELD_OF",
    "LIST_FIELDS",
    "TITLE_OF",
    "flatten_json_grant",
    "is_360giving_header",
    "is_360giving_part_header",
    "normalise_title",
    "parse_grant_amount",
    "parse_grant_date",
    "row_to_grant",
    "text_of",
]

# field -> (the standard's column title, other titles and JSON paths meaning the same)
_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("Identifier", "id"),
    "title": ("Title", "title"),
    "description": ("Description", "description"),
    "currency": ("Currency", "currency"),
    "amount": ("Amount Awarded", "amountAwarded"),
    "disbursed": ("Amount Disbursed", "amountDisbursed"),
    "award_date": ("Award Date", "awardDate"),
    "start": ("Planned Dates:Start Date", "plannedDates/startDate"),
    "end": ("Planned Dates:End Date", "plannedDates/endDate"),
    "recipient_id": ("Recipient Org:Identifier", "recipientOrganization/id"),
    "recipient_name": ("Recipient Org:Name", "recipientOrganization/name"),
    "charity_number": ("Recipient Org:Charity Number", "recipientOrganization/charityNumber"),
    "company_number": ("Recipient Org:Company Number", "recipientOrganization/companyNumber"),
    "recipient_places": (
        "Recipient Org:Location:Geographic Code",
        "recipientOrganization/location/geoCode",
    ),
    "individual_id": ("Recipient Ind:Identifier", "recipientIndividual/id", "Recipient Individual Id"),
    "funder_id": ("Funding Org:Identifier", "fundingOrganization/id"),
    "funder_name": ("Funding Org:Name", "fundingOrganization/name"),
    "programme": ("Grant Programme:Title", "grantProgramme/title"),
    "classifications": ("Classifications:Title", "classifications/title"),
    "places": ("Beneficiary Location:Geographic Code", "beneficiaryLocation/geoCode"),
    "related": ("Related Activity", "relatedActivity"),
    "publisher": ("Publisher Name", "Publisher:Name"),
    # GrantNav's additional data (its CSV export's titles; JSON from the 360Giving datastore
    # under additional_data): the recipient's ward, district and region, the beneficiary's
    # district and region. "(additional data)" is dropped when titles are compared, so the
    # older exports' "Recipient District" matches too.
    "ward_code": (
        "Best Available Recipient Ward Geographic Code (additional data)",
        "Recipient Ward Geographic Code",
        "additional_data/recipientWardNameGeoCode",
        "additional_data/recipientLocation/recipientWardNameGeoCode",
    ),
    "ward_name": (
        "Best Available Recipient Ward (additional data)",
        "Recipient Ward",
        "additional_data/recipientWardName",
        "additional_data/recipientLocation/recipientWardName",
    ),
    "district_code": (
        "Best Available Recipient District Geographic Code (additional data)",
        "Recipient District Geographic code (additional data)",
        "additional_data/recipientDistrictGeoCode",
        "additional_data/recipientLocation/recipientDistrictGeoCode",
        "additional_data/GNRecipientOrgDistrictGeoCode",
    ),
    "district_name": (
        "Best Available Recipient District (additional data)",
        "Recipient District (additional data)",
        "additional_data/recipientDistrictName",
        "additional_data/recipientLocation/recipientDistrictName",
        "additional_data/GNRecipientOrgDistrictName",
    ),
    "region_code": (
        "Recipient Region Geographic code (additional data)",
        "additional_data/recipientRegionGeoCode",
        "additional_data/GNRecipientOrgRegionGeoCode",
    ),
    "region_name": (
        "Best Available Recipient Region (additional data)",
        "Recipient Region (additional data)",
        "additional_data/recipientRegionName",
        "additional_data/GNRecipientOrgRegionName",
    ),
    "beneficiary_district_code": (
        "Beneficiary District Geographic code (additional data)",
        "additional_data/GNBeneficiaryDistrictGeoCode",
    ),
    "beneficiary_district_name": (
        "Beneficiary District (additional data)",
        "additional_data/GNBeneficiaryDistrictName",
    ),
    "beneficiary_region_code": (
        "Beneficiary Region Geographic code (additional data)",
        "additional_data/GNBeneficiaryRegionGeoCode",
    ),
    "beneficiary_region_name": (
        "Beneficiary Region (additional data)",
        "additional_data/GNBeneficiaryRegionName",
    ),
    "licence": ("License", "Licence", "License (see note)", "dataset/license"),
}
# Fields that may repeat (several columns, or several items in JSON): collected as lists.
LIST_FIELDS = frozenset({"classifications", "places", "recipient_places", "related"})
TITLE_OF = {name: titles[0] for name, titles in _FIELDS.items()}


@functools.lru_cache(maxsize=4096)  # a file repeats its few titles on every row
def normalise_title(title: Any) -> str:
    """A column title or JSON path in one comparable form (see the module doc)."""
    text = str(title).replace("\ufeff", "").strip().lower().removesuffix("(additional data)")
    parts = [re.sub(r"\s+", " ", p.strip()) for p in re.split(r"[:/]", text)]
    return ":".join(p for p in parts if p and not p.isdigit())


FIELD_OF = {normalise_title(t): name for name, titles in _FIELDS.items() for t in titles}


def is_360giving_header(titles: Iterable[Any]) -> bool:
    """True for a header with the 360Giving standard's titles (whatever their case and spacing)."""
    fields = {FIELD_OF.get(normalise_title(t)) for t in titles if t is not None}
    has_recipient = bool(fields & {"recipient_id", "recipient_name", "individual_id"})
    return {"id", "amount"} <= fields and bool(fields & {"funder_id", "funder_name"}) and has_recipient


def is_360giving_part_header(titles: Iterable[Any]) -> bool:
    """True for a sheet of the standard's multi-sheet template that lists one section's items
    by grant: the grant's ``Identifier`` and at least one other title of the standard."""
    names = [normalise_title(t) for t in titles if t is not None and str(t).strip()]
    return "identifier" in names and any(n != "identifier" and n in FIELD_OF for n in names)


def text_of(value: Any) -> str | None:
    """A cell as text: None for empty cells; whole-number floats from spreadsheets without ``.0``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _paths(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, f"{prefix}/{key}" if prefix else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _paths(item, prefix)
    else:
        yield prefix, value


def flatten_json_grant(grant: dict[str, Any]) -> list[tuple[str, Any]]:
    """A JSON grant as (path, value) pairs, the way flattentool names columns (indexes dropped)."""
    return list(_paths(grant))


@functools.lru_cache(maxsize=4096)  # a CSV or sheet has one list of titles; JSON grants a few
def _title_plan(titles: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
    """(cell index, field) for the titles that name a field, worked out once per list of titles."""
    plan = ((index, FIELD_OF.get(normalise_title(title))) for index, title in enumerate(titles))
    return tuple((index, name) for index, name in plan if name is not None)


def row_to_grant(cells: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """(title or path, value) pairs -> one flat grant; unknown titles are ignored, repeated
    fields become lists, and a single-valued field keeps its first non-empty value."""
    cells = cells if isinstance(cells, list) else list(cells)
    grant: dict[str, Any] = {name: [] for name in LIST_FIELDS}
    for index, name in _title_plan(tuple(title for title, _ in cells)):
        value = cells[index][1]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name in LIST_FIELDS:
            if value not in grant[name]:  # a template repeats its first item on the grants sheet
                grant[name].append(value)
        elif name not in grant:
            grant[name] = value
    return grant


_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: .*)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: .*)?$")


def parse_grant_date(value: Any) -> tuple[datetime.date, str | None]:
    """A date as publishers write it, and a warning when it had to be guessed.

    Excel date cells and serial numbers, ISO dates and date-times, DD/MM/YYYY (the UK
    order; MM/DD/YYYY only when the first number cannot be a day-of-month reading).
    Raises InvalidData for anything else.
    """
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        return _EXCEL_EPOCH + datetime.timedelta(days=int(value)), None
    text = str(value).strip()
    try:
        if match := _ISO.match(text) or _YEAR_FIRST.match(text):
            year, month, day = (int(g) for g in match.groups())
            return datetime.date(year, month, day), None
        if match := _SLASHED.match(text):
            day, month, year = (int(g) for g in match.groups())
            if month > 12 >= day:
                return datetime.date(year, day, month), "read as MM/DD/YYYY (the month cannot be over 12)"
            return datetime.date(year, month, day), None
    except ValueError:
        raise InvalidData("not a valid date") from None
    raise InvalidData("not a date; use YYYY-MM-DD or DD/MM/YYYY")


def parse_grant_amount(value: Any, currency: str) -> tuple[Decimal, str | None]:
    """An amount rounded to the currency's minor units, and a warning when rounding changed it.

    Raises InvalidData for text that is not money and for negative amounts.
    """
    from psp_graph.values import minor_digits

    try:
        amount = parse_decimal(value)
    except InvalidData:
        raise InvalidData("not an amount of money") from None
    if amount < 0:
        raise InvalidData("must not be negative")
    rounded = amount.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUND_HALF_UP)
    if rounded != amount:
        return rounded, "rounded to minor units (pence, cents)"
    return amount, None
