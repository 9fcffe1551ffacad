"""A compiled copy of the ontology, so everyday commands do not parse psp.ttl (and
import rdflib) on every start.

The copy is JSON in the user's cache folder (``PSP_CACHE_DIR``, else
``$XDG_CACHE_HOME/psp-graph``, else ``~/.cache/psp-graph``), named by a hash of
psp.ttl and of the code that reads it: an edited ontology or a new psp-graph
version gets a fresh copy, and a copy that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from psp_graph.ontology import AttributeSpec, IssueConcept, NodeClass, Ontology, RelationSpec, Vocabulary

__all__ = ["cache_dir", "cached_ontology"]

_PARTS: dict[str, type[Any]] = {
    "classes": NodeClass,
    "roles": NodeClass,
    "relations": RelationSpec,
    "attributes": AttributeSpec,
    "vocabularies": Vocabulary,
    "issues": IssueConcept,
}


def cache_dir() -> Path:
    """Where compiled copies are kept."""
    explicit = os.environ.get("PSP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "psp-graph"


def _digest(path: Path) -> str:
    here = Path(__file__).parent
    material = hashlib.sha256(path.read_bytes())
    for code in ("ontology.py", "ontology_rdf.py", "ontology_cache.py"):
        material.update((here / code).read_bytes())
    return material.hexdigest()[:24]


def _to_json(onto: Ontology) -> dict[str, Any]:
    data: dict[str, Any] = {
        part: {name: dataclasses.asdict(item) for name, item in getattr(onto, part).items()}
        for part in _PARTS
    }
    data["link_attributes"] = list(onto.link_attributes)
    return data


def _build(cls: type[Any], values: dict[str, Any]) -> Any:
    fixed = {}
    for field in dataclasses.fields(cls):
        value = values[field.name]
        fixed[field.name] = (
            tuple(value) if str(field.type).startswith("tuple") and value is not None else value
        )
    return cls(**fixed)


def _from_json(data: dict[str, Any], path: Path) -> Ontology:
    parts = {
        part: {name: _build(cls, item) for name, item in data[part].items()} for part, cls in _PARTS.items()
    }
    return Ontology(**parts, link_attributes=tuple(data["link_attributes"]), path=path)


def cached_ontology(path: Path) -> Ontology:
    """The ontology at ``path``: the compiled copy when it is current, else read from the
    Turtle file (psp_graph.ontology_rdf) and the copy written for next time."""
    copy = cache_dir() / f"ontology-{_digest(path)}.json"
    try:
        return _from_json(json.loads(copy.read_text(encoding="utf-8")), path)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no copy yet, or one that does not fit: read the Turtle file
    from psp_graph.ontology_rdf import read_ontology

    onto = read_ontology(path)
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=copy.parent, delete=False, encoding="utf-8") as handle:
            json.dump(_to_json(onto), handle)
        os.replace(handle.name, copy)
    except OSError:
        pass  # a read-only home: every start reads the Turtle file, which is only slower
    return onto
