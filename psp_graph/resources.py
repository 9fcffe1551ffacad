"""Where the files that ship with psp-graph live.

In a wheel, ontology/, queries/, seed_data/ and visualisations/ are copied into
``psp_graph/_resources``; in a source checkout they sit beside the package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_path"]

_PACKAGE = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Return the path of a shipped resource such as ``resource_path("ontology", "psp.ttl")``."""
    for root in (_PACKAGE / "_resources", _PACKAGE.parent):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return (_PACKAGE / "_resources").joinpath(*parts)
