"""Parsing of the values people type: partial dates, money, yes/no, lists."""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from psp_graph.exc import InvalidData

__all__ = [
    "format_money",
    "minor_digits",
    "minor_units",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_list",
]

# ISO 4217 currencies whose minor unit is not 1/100.
_MINOR_DIGITS = {"JPY": 0, "KRW": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(value: Any, *, end: bool = False) -> datetime.date:
    """``2019`` -> 2019-01-01 (or 2019-12-31 with ``end``); ``2019-05`` likewise; ISO dates as they are."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise InvalidData(f"'{text}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day:
            return datetime.date(int(year), int(month), int(day))
        if month:
            last = calendar.monthrange(int(year), int(month))[1] if end else 1
            return datetime.date(int(year), int(month), last)
        return datetime.date(int(year), 12, 31) if end else datetime.date(int(year), 1, 1)
    except ValueError as err:
        raise InvalidData(f"'{text}' is not a valid date ({err})") from err


def parse_decimal(value: Any) -> Decimal:
    """A money amount: ``250000``, ``"£250,000.50"``, ``"1 200"``."""
    if isinstance(value, bool):
        raise InvalidData(f"'{value}' is not an amount of money")
    try:
        if isinstance(value, int | Decimal):
            amount = Decimal(value)
        elif isinstance(value, float):
            amount = Decimal(str(value))
        else:
            amount = Decimal(re.sub(r"[£$€,\s]", "", str(value)))
    except (InvalidOperation, ArithmeticError) as err:
        raise InvalidData(f"'{value}' is not an amount of money") from err
    if not amount.is_finite() or amount.adjusted() > 15:
        raise InvalidData(f"'{value}' is not an amount of money (at most 15 digits before the point)")
    return amount


def minor_digits(currency: str) -> int:
    """How many decimal places the currency's minor unit has (2 for GBP, 0 for JPY)."""
    return _MINOR_DIGITS.get(currency.upper(), 2)


def minor_units(amount: Decimal, currency: str) -> int:
    """Money as an integer number of minor units (pence for GBP); refuses fractions of a penny."""
    digits = _MINOR_DIGITS.get(currency.upper(), 2)
    scaled = amount.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise InvalidData(f"{amount} {currency} has more than {digits} decimal places")
    return int(scaled)


def format_money(amount_minor: int | None, currency: str | None) -> str:
    """``2500000, "GBP"`` -> ``"GBP 25,000.00"``."""
    if amount_minor is None:
        return ""
    code = (currency or "GBP").upper()
    digits = _MINOR_DIGITS.get(code, 2)
    major = Decimal(amount_minor).scaleb(-digits)
    return f"{code} {major:,.{digits}f}"


def parse_bool(value: Any) -> bool:
    """``true/false``, ``yes/no``, ``1/0`` (as spreadsheets write them)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "y", "1"}:
        return True
    if text in {"false", "no", "n", "0", ""}:
        return False
    raise InvalidData(f"'{value}' is not true or false")


def parse_list(value: Any) -> list[Any]:
    """A list, or a ``;``-separated string as in CSV cells."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return [value]
