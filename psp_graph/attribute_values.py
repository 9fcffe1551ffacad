"""How a value given for an ontology attribute is read: codes from the attribute's
vocabulary, decimals within their bounds, yes/no, partial dates, lists, and issue and
source ids with their prefix added. The Validator reads every value of a record
through one :class:`AttributeReader`; the reading is chosen once per attribute and
class (a file gives the same attributes on every row).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.ontology import Ontology, did_you_mean
from psp_graph.values import parse_bool, parse_currency, parse_date, parse_decimal, parse_list

__all__ = ["AttributeReader"]


def _same(value: Any) -> Any:
    return value


def _prefixed(value: Any, prefix: str) -> str:
    text = str(value).strip()
    return text if ":" in text else f"{prefix}:{text}"


class AttributeReader:
    """Reads the values of one ontology's attributes."""

    def __init__(self, onto: Ontology) -> None:
        self.onto = onto
        self._converters: dict[tuple[str, str | None], Callable[[Any], Any]] = {}

    def read(self, attr: str, value: Any, class_name: str | None) -> Any:
        """``value`` as ``attr`` (in a record of ``class_name``) holds it, or InvalidData on ``attr``."""
        convert = self._converters.get((attr, class_name))
        if convert is None:
            convert = self._converters[attr, class_name] = self._converter(attr, class_name)
        try:
            return convert(value)
        except InvalidData as err:
            raise InvalidData(err.reason, field=attr) from None

    def _converter(self, attr: str, class_name: str | None) -> Callable[[Any], Any]:
        """How a value of ``attr`` is read, chosen once per attribute and class (a file gives
        the same attributes on every row); the plain types stay as :meth:`_convert` reads them."""
        spec = self.onto.attributes.get(attr)
        if spec is None:
            return _same
        if spec.multiple and spec.ref_class in {"Issue", "Source"}:
            prefix = "issue" if spec.ref_class == "Issue" else "src"
            return lambda value: [_prefixed(i, prefix) for i in parse_list(value)]
        if spec.multiple:
            return lambda value: [str(i) for i in parse_list(value)]
        if spec.datatype == "date":
            end = attr == "valid_to"
            return lambda value: parse_date(value, end=end)
        if attr == "currency" and spec.datatype not in {"code", "decimal", "boolean", "integer", "ref"}:
            return parse_currency
        return functools.partial(self._convert, attr, class_name=class_name)

    def _convert(self, attr: str, value: Any, class_name: str | None) -> Any:
        spec = self.onto.attributes[attr]
        if spec.datatype == "code":
            vocab = self.onto.vocabulary_for(attr, class_name)
            if vocab is None:
                raise InvalidData(f"'{attr}' does not apply here")
            code = vocab.code(str(value))
            if code is None:
                raise InvalidData(f"'{value}' is not allowed{did_you_mean(str(value), vocab.codes)}")
            return code
        if spec.datatype == "decimal":
            amount = parse_decimal(value)
            if spec.minimum is not None and amount < spec.minimum:
                raise InvalidData(f"must not be negative, got {value}")
            return amount
        if spec.datatype == "boolean":
            return parse_bool(value)
        if spec.datatype == "integer" and isinstance(value, bool):
            raise InvalidData(f"'{value}' is not a whole number")
        if spec.datatype == "ref" and spec.ref_class == "Issue":
            return _prefixed(value, "issue")
        return value
