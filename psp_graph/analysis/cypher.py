"""The Cypher side of the named queries: queries/NAME.cypher, with the shared
fragments of queries/fragments.cypher expanded, and its header.

A fragment is written once and used as ``{{name(args)}}``; its arguments are
variable names, and variables derived from them (``a_r`` for ``a``) follow.

>>> expand("MATCH (a)-[s]->(d) WHERE {{valid(s)}}")
'MATCH (a)-[s]->(d) WHERE ($as_of IS NULL OR ((s.valid_from IS NULL OR s.valid_from <= $as_of) AND (s.valid_to IS NULL OR s.valid_to >= $as_of)))'
"""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise

from psp_graph.exc import InvalidOntology
from psp_graph.resources import resource_path

__all__ = ["cypher_text", "expand", "fragments", "parse_header"]

_USE = re.compile(r"\{\{(\w+)\(([^)]*)\)\}\}")
_DECLARE = re.compile(r"^// fragment: (\w+)\(([^)]*)\)$")


@cache
def fragments() -> dict[str, tuple[tuple[str, ...], str]]:
    """Each fragment's parameters and body, from queries/fragments.cypher."""
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    lines = resource_path("queries", "fragments.cypher").read_text(encoding="utf-8").splitlines()
    for declaration, body in pairwise(lines):
        match = _DECLARE.match(declaration)
        if match:
            params = tuple(p.strip() for p in match.group(2).split(",") if p.strip())
            found[match.group(1)] = (params, body.strip())
    return found


def expand(text: str) -> str:
    """``text`` with every ``{{fragment(args)}}`` replaced by its body (fragments may nest)."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments():
            raise InvalidOntology(f"queries/fragments.cypher has no fragment '{name}'")
        params, body = fragments()[name]
        args = [a.strip() for a in match.group(2).split(",") if a.strip()]
        if len(args) != len(params):
            raise InvalidOntology(f"fragment {name} takes {len(params)} arguments, got {len(args)}")
        for param, arg in zip(params, args, strict=True):
            body = re.sub(rf"(?<![\w$]){re.escape(param)}(?=\W|_)", arg, body)
        return expand(body)

    return _USE.sub(one, text)


@cache
def cypher_text(name: str) -> str:
    """The text of queries/NAME.cypher, fragments expanded."""
    return expand(resource_path("queries", f"{name}.cypher").read_text(encoding="utf-8"))


def parse_header(text: str) -> dict[str, str]:
    """The ``// key: value`` lines at the top of a .cypher file."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^//\s*([a-z-]+):\s*(.*)$", line)
        if not match:
            if line.strip() and not line.startswith("//"):
                break
            continue
        header[match.group(1)] = match.group(2).strip()
    return header
