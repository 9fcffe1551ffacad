"""How the runner sorts a named query's rows: by the spec's keys, ``-`` descending, None
last in both directions, ties kept in order — however the sorts are grouped."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from psp_graph.analysis.runner import _sort
from psp_graph.analysis.spec import QuerySpec

COLUMNS = ("a", "b", "c", "n")


def _reference(keys: tuple[str, ...], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The order the spec's keys define, compared one key at a time."""

    def compare(x: dict[str, Any], y: dict[str, Any]) -> int:
        for key in keys:
            column, sign = key.lstrip("-"), (-1 if key.startswith("-") else 1)
            u, v = x[column], y[column]
            if u == v:
                continue
            if u is None or v is None:
                return 1 if u is None else -1  # None last either way
            return sign * (1 if u > v else -1)
        return 0

    return sorted(rows, key=functools.cmp_to_key(compare))  # stable: ties in input order


@given(
    keys=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4, unique=True).flatmap(
        lambda cols: st.tuples(*(st.sampled_from([c, f"-{c}"]) for c in cols))
    ),
    values=st.lists(
        st.tuples(
            st.sampled_from(["x", "y", "z"]),
            st.sampled_from(["p", "q", None]),
            st.integers(0, 3),
            st.one_of(st.none(), st.floats(-2, 2, allow_nan=False)),
        ),
        max_size=30,
    ),
)
def test_rows_sort_as_their_keys_say_with_none_last_and_ties_in_order(
    keys: tuple[str, ...], values: list[tuple[Any, ...]]
) -> None:
    rows = [{**dict(zip(COLUMNS, v, strict=True)), "seq": i} for i, v in enumerate(values)]
    spec = QuerySpec("q", "", (), (), ("seq",), keys)
    expected = _reference(keys, rows)
    _sort(spec, rows)
    assert [r["seq"] for r in rows] == [r["seq"] for r in expected]
