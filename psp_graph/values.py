"""Parsing of the values people type: partial dates, money, yes/no, lists."""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from psp_graph.exc import InvalidData

__all__ = [
    "CURRENCIES",
    "format_money",
    "minor_digits",
    "minor_units",
    "parse_bool",
    "parse_currency",
    "parse_date",
    "parse_decimal",
    "parse_list",
]

# The one currency table: ISO 4217 active codes (list one, 2024; precious metals, test and
# no-currency codes left out) with their minor-unit digits. Everything reads it through
# minor_digits()/parse_currency(); nothing else keeps a copy.
_TWO_DIGITS = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD
LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN
PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL
THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL
"""
CURRENCIES: dict[str, int] = {
    **dict.fromkeys(_TWO_DIGITS.split(), 2),
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}
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


def parse_currency(value: Any) -> str:
    """An ISO 4217 code (``gbp`` -> ``GBP``); ``GPB`` is refused with a did-you-mean."""
    code = str(value).strip().upper()
    if code in CURRENCIES:
        return code
    common = ["GBP", "EUR", "USD"]
    swapped = [c for c in CURRENCIES if sorted(c) == sorted(code)]
    one_off = [
        c for c in CURRENCIES if len(code) == 3 and sum(a != b for a, b in zip(c, code, strict=True)) == 1
    ]
    close = sorted(dict.fromkeys(swapped + one_off), key=lambda c: (c not in swapped, c not in common, c))[:3]
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise InvalidData(f"'{value}' is not an ISO 4217 currency code such as GBP{hint}")


def minor_digits(currency: str | None) -> int:
    """Digits after the point in the currency's minor unit (2 for GBP, 3 for KWD, 0 for JPY)."""
    return CURRENCIES.get((currency or "GBP").upper(), 2)


def minor_units(amount: Decimal, currency: str) -> int:
    """Money as an integer number of minor units (pence for GBP); refuses fractions of a penny."""
    digits = minor_digits(currency)
    scaled = amount.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise InvalidData(f"{amount} {currency} has more than {digits} decimal places")
    return int(scaled)


def format_money(amount_minor: int | None, currency: str | None) -> str:
    """``2500000, "GBP"`` -> ``"GBP 25,000.00"``."""
    if amount_minor is None:
        return ""
    code = (currency or "GBP").upper()
    digits = minor_digits(code)
    if type(amount_minor) is int and amount_minor >= 0:  # the usual case, without Decimal
        major_units, minor = divmod(amount_minor, 10**digits)
        return f"{code} {major_units:,}.{minor:0{digits}d}" if digits else f"{code} {major_units:,}"
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
