"""Reloading a file the store already holds, unchanged, into a store unchanged since.

A pipeline that loads the same published file every night spends most of a load
reading, mapping and validating records only to find nothing changed (about two
thirds of a first load's time). A load is a function of the file's bytes, its name,
the load's options, the ontology and the code, and of the store as it was; every
write to a store is a change set. So after a load without any problem, the store
keeps the file's fingerprint with its last change set (``loaded_files`` setting);
loading the same file again while that is still the last change set is known to
change nothing, and is answered from the fingerprint: the file is read once to hash
it and nothing else. Any write in between (another load, an add, an undo, an erase),
a new ontology or psp-graph version, or other options: the load runs in full.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psp_graph import __version__
from psp_graph.changes import Result
from psp_graph.graph import Graph

__all__ = ["KEPT_FILES", "LoadMark"]

KEPT_FILES = 32  # fingerprints kept per store (the newest)
_SETTING = "loaded_files"


@dataclass(frozen=True)
class LoadMark:
    """A file's fingerprint for one kind of load, and the store's last change set."""

    fingerprint: str
    last_change: str

    @classmethod
    def of(cls, graph: Graph, path: Path, options: dict[str, object]) -> LoadMark:
        digest = hashlib.sha256()
        digest.update(json.dumps([path.name, options, __version__], sort_keys=True).encode())
        digest.update(graph.onto.path.read_bytes())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return cls(digest.hexdigest(), _last_change(graph))

    def already_loaded(self, graph: Graph) -> Result | None:
        """The answer of a load that would change nothing, or None: load in full."""
        kept = _kept(graph).get(self.fingerprint)
        if kept is None or kept[0] != self.last_change:
            return None
        return Result(unchanged=int(kept[1]), same_as=self.last_change)

    def remember(self, graph: Graph, result: Result) -> None:
        """After a load without problems: the store now holds this file as loaded."""
        kept = _kept(graph)
        kept.pop(self.fingerprint, None)
        kept[self.fingerprint] = [_last_change(graph), result.created + result.updated + result.unchanged]
        newest = dict(list(kept.items())[-KEPT_FILES:])
        graph.set_meta(_SETTING, json.dumps(newest))


def _last_change(graph: Graph) -> str:
    """How many change sets the store has, and the newest: any write changes it (change
    sets are never deleted; the count does not rely on clocks). A store that keeps derived
    data says it in one cheap query (its data version); else from its counts."""
    reader = graph.reader(include_private=True)
    version = reader.data_version()
    if version is not None:
        return version
    last = reader.changesets(limit=1)
    return f"{reader.stats().changesets}:{last[0].id if last else ''}"


def _kept(graph: Graph) -> dict[str, list[Any]]:
    text = graph.reader(include_private=True).meta(_SETTING)
    try:
        kept = json.loads(text) if text else {}
    except ValueError:  # a damaged setting: forget it, load in full
        return {}
    return kept if isinstance(kept, dict) else {}
