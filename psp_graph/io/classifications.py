"""The editable mapping from grant classification titles to the ontology's issues.

ontology/classification-issues.csv (two columns, ``classification,issue``; one row
per pair, so a title can map to several issues) ships with psp-graph; set
``PSP_CLASSIFICATION_MAP`` to a CSV of your own (same columns) to use it instead.
Titles match whatever their case and spacing.

>>> mapping = read_classification_map()
>>> mapping["food bank"]
['food-banks']
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from psp_graph.exc import InvalidData
from psp_graph.resources import resource_path

__all__ = ["default_map_path", "read_classification_map"]


def default_map_path() -> Path:
    """``PSP_CLASSIFICATION_MAP`` if set, else the shipped ontology/classification-issues.csv."""
    chosen = os.environ.get("PSP_CLASSIFICATION_MAP")
    return Path(chosen) if chosen else resource_path("ontology", "classification-issues.csv")


def read_classification_map(path: Path | None = None) -> dict[str, list[str]]:
    """Normalised classification title -> issue notations (``housing``, not ``issue:housing``)."""
    path = path or default_map_path()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise InvalidData(f"cannot read the classification mapping: {err.strerror}", file=str(path)) from None
    reader = csv.DictReader(io.StringIO(text))
    if not {"classification", "issue"} <= {(h or "").strip().lower() for h in reader.fieldnames or []}:
        raise InvalidData("needs the columns classification,issue", file=str(path), row=1)
    mapping: dict[str, list[str]] = {}
    for row in reader:
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        title, issue = " ".join(cells["classification"].split()).casefold(), cells["issue"]
        if title and issue:
            issue = issue.removeprefix("issue:")
            mapping.setdefault(title, [])
            if issue not in mapping[title]:
                mapping[title].append(issue)
    return mapping
