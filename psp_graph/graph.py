"""The Graph service: the one place that validates, assigns ids, records provenance
and history, applies privacy and commits all-or-nothing batches.

>>> with Graph.open("sqlite://:memory:") as graph:
...     result = graph.add_node({"name": "Northbank Tenants Union", "types": ["CommunityGroup"]})
...     graph.get_node("org:northbank-tenants-union").name
'Northbank Tenants Union'
"""

from __future__ import annotations

import dataclasses
import getpass
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from psp_graph.backends import Backend, open_backend
from psp_graph.exc import InvalidData, NodeNotFound, PspGraphError
from psp_graph.history import inverse_batch, is_private_node, snapshot
from psp_graph.ids import changeset_id, new_person_id
from psp_graph.ontology import Ontology, did_you_mean, load_ontology
from psp_graph.records import Batch, Change, ChangeSet, Stats, StoredLink, StoredNode
from psp_graph.validate import RawRecord, Validator

__all__ = ["Graph", "Result", "display_name", "shown_by_name"]


@dataclass
class Result:
    """What a write did: its change set (None when nothing changed) and counts."""

    changeset: str | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.changeset is None:
            return f"nothing changed ({self.unchanged} records already up to date)"
        return (
            f"change set {self.changeset}: {self.created} created, {self.updated} updated, "
            f"{self.deleted} deleted, {self.unchanged} unchanged"
        )


def shown_by_name(node: StoredNode, *, include_private: bool = False) -> bool:
    """Whether a node's name may be shown: persons only with recorded consent, other
    nodes unless marked internal or private; ``include_private`` shows everyone."""
    if include_private or node.props.get("consent"):
        return True
    if "Person" in node.labels:
        return False
    return bool(node.props.get("privacy", "public") == "public")


def display_name(node: StoredNode, *, include_private: bool = False) -> str:
    """The name to show: a private node's stable pseudonym unless consent or ``include_private``."""
    if shown_by_name(node, include_private=include_private):
        return node.name
    return str(node.props.get("pseudonym") or node.id)


def _same_record(old: StoredNode | StoredLink, new: StoredNode | StoredLink) -> bool:
    """True when a write would change nothing but when and by whom it was recorded."""

    def strip(item: StoredNode | StoredLink) -> dict[str, Any]:
        data = item.as_dict()
        data["props"] = {k: v for k, v in data["props"].items() if k not in ("recorded_at", "recorded_by")}
        return data

    return strip(old) == strip(new)


def _recorder() -> str:
    return os.environ.get("PSP_USER") or getpass.getuser()


class Graph:
    """A graph store with validation, provenance, history and privacy."""

    def __init__(self, backend: Backend, onto: Ontology | None = None) -> None:
        self.backend = backend
        self.onto = onto or load_ontology()
        self.validator = Validator(self.onto)

    @classmethod
    def open(cls, url: str | None = None) -> Graph:
        """Open the store at ``url`` (``--store``, ``PSP_STORE`` or ``sqlite:///psp.db``)."""
        return cls(open_backend(url))

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------
    def load_records(
        self,
        records: Iterable[RawRecord],
        *,
        summary: str,
        dry_run: bool = False,
        on_record: Callable[[], None] | None = None,
    ) -> Result:
        """Validate every record, then write them all in one change set, or nothing."""
        nodes: dict[str, tuple[StoredNode, RawRecord]] = {}
        links: dict[str, tuple[StoredLink, RawRecord]] = {}
        for raw in records:
            if on_record is not None:
                on_record()
            if raw.section == "links":
                link = self.validator.link(raw)
                self._no_conflict(links, link.id, link, raw, what="link")
                links[link.id] = (link, raw)
            else:
                node = self.validator.node(raw)
                self._no_conflict(nodes, node.id, node, raw, what="id")
                nodes[node.id] = (node, raw)
        self._check_references(nodes, links)
        if not dry_run:  # only now: a file with an error writes nothing, not even the init change set
            self.initialise()
        plan = self._plan(
            [n for n, _ in nodes.values()], [link for link, _ in links.values()], "load", summary
        )
        if dry_run:
            return plan[1]
        return self._commit(*plan)

    @staticmethod
    def _no_conflict(seen: dict[str, Any], key: str, item: Any, raw: RawRecord, *, what: str) -> None:
        if key in seen and seen[key][0] != item:
            first = seen[key][1]
            raise InvalidData(
                f"duplicate {what} '{key}' with different data (first at row {first.row})",
                file=raw.file,
                row=raw.row,
                field="id",
            )

    def add_node(self, data: dict[str, Any], *, section: str = "nodes") -> Result:
        """Add or update one node from a dict of fields (persons get a fresh opaque id)."""
        data = dict(data)
        types = data.get("types") or data.get("type") or []
        if "id" not in data and any(
            str(t).lower() == "person" for t in ([types] if isinstance(types, str) else types)
        ):
            data["id"] = new_person_id()
        return self.load_records([RawRecord("", None, section, data)], summary="add node")

    def add_link(self, data: dict[str, Any]) -> Result:
        """Add or update one link from a dict of fields (``type``, ``from``, ``to``, ...)."""
        return self.load_records([RawRecord("", None, "links", data)], summary="add link")

    def remove(self, entity_id: str) -> Result:
        """Remove a node (with its links) or a link, as one change set."""
        node = self.backend.get_node(entity_id)
        link = None if node else self.backend.get_link(entity_id)
        if node is None and link is None:
            raise NodeNotFound(f"no node or link '{entity_id}'{self._suggest(entity_id)}")
        batch = self._new_batch("remove", f"remove {entity_id}")
        gone_links = self.backend.links_of(entity_id) if node else [link]
        privates = self._private_ids([end for g in gone_links if g for end in (g.source, g.target)])
        for gone in gone_links:
            assert gone is not None
            batch.delete_links.append(gone.id)
            self._record(batch, "delete", gone, None, privates)
        if node is not None:
            batch.delete_nodes.append(node.id)
            self._record(batch, "delete", node, None, privates)
        self.backend.apply(batch)
        return Result(changeset=batch.changeset.id, deleted=len(batch.changes), ids=[entity_id])

    def undo(self, changeset: str) -> Result:
        """Apply the inverse of a change set (an id, or ``last``) as a new change set."""
        if changeset == "last":
            newest = [c for c in self.backend.changesets(limit=1) if c.action != "init"]
            if not newest:
                raise NodeNotFound("there is no change set to undo")
            changeset = newest[0].id
        original = self.backend.get_changeset(changeset)
        if original is None:
            recent = [c.id for c in self.backend.changesets(limit=200)]
            raise NodeNotFound(f"no change set '{changeset}'{did_you_mean(changeset, recent)}")
        if original.action == "init":
            raise PspGraphError("the init change set adds the ontology's issues and cannot be undone")
        changes = self.backend.changes(changeset)
        later = [
            c.id
            for c in self.backend.changesets()
            if (c.at, c.id) > (original.at, original.id)
            and any(ch.entity_id in {x.entity_id for x in changes} for ch in self.backend.changes(c.id))
        ]
        batch = self._new_batch("undo", f"undo {changeset}", undoes=changeset)
        current_nodes = self.backend.get_nodes(c.entity_id for c in changes if c.entity == "node")
        current_links = self.backend.get_links(c.entity_id for c in changes if c.entity == "link")
        inverse_batch(changes, batch, current_nodes, current_links, self.onto, later)
        gone = [current_links[i] for i in batch.delete_links if i in current_links]
        privates = self._private_ids(
            [n.id for n in batch.upsert_nodes]
            + [e for link in [*batch.upsert_links, *gone] for e in (link.source, link.target)]
        )
        current: dict[str, StoredNode | StoredLink] = {**current_nodes, **current_links}
        for entity_id in batch.delete_nodes + batch.delete_links:
            if entity_id in current:
                self._record(batch, "delete", current[entity_id], None, privates)
        restored: list[StoredNode | StoredLink] = [*batch.upsert_nodes, *batch.upsert_links]
        for item in restored:
            before = current.get(item.id)
            self._record(batch, "update" if before else "create", before, item, privates)
        self.backend.apply(batch)
        ops = [c.op for c in batch.changes]
        return Result(
            changeset=batch.changeset.id,
            created=ops.count("create"),
            updated=ops.count("update"),
            deleted=ops.count("delete"),
            ids=[changeset],
        )

    # -- planning and committing ----------------------------------------------
    def _check_references(
        self, nodes: dict[str, tuple[StoredNode, RawRecord]], links: dict[str, tuple[StoredLink, RawRecord]]
    ) -> None:
        wanted: set[str] = set()
        for node, _ in nodes.values():
            wanted.update(node.props.get("sources", []))
            if "broader" in node.props:
                wanted.add(node.props["broader"])
        for link, _ in links.values():
            wanted.update(
                [link.source, link.target, *link.props.get("sources", []), *link.props.get("issues", [])]
            )
        known = {nid: n for nid, (n, _) in nodes.items()}
        missing = [i for i in wanted if i not in known]
        known.update(self._ontology_issue_nodes(missing))
        known.update(self.backend.get_nodes(i for i in missing if i not in known))

        source_labels = self.onto.attributes["sources"].ref_classes  # a Source, or an Event heard at

        def need(ref: str, label: str | tuple[str, ...], raw: RawRecord, attr: str) -> StoredNode:
            node = known.get(ref)
            if node is None:
                raise InvalidData(
                    f"no node '{ref}'{self._suggest(ref, known)}", file=raw.file, row=raw.row, field=attr
                )
            labels = (label,) if isinstance(label, str) else label
            if not set(labels) & set(node.labels):
                raise InvalidData(
                    f"'{ref}' is a {node.types[0]}, not a {' or '.join(labels)}",
                    file=raw.file,
                    row=raw.row,
                    field=attr,
                )
            return node

        for node, raw in nodes.values():
            for src in node.props.get("sources", []):
                need(src, source_labels, raw, "sources")
            if "broader" in node.props:
                need(node.props["broader"], "Issue", raw, "broader")
            for ident in node.props.get("identifiers", []):
                owner = self.backend.node_for_identifier(ident)
                if owner is not None and owner != node.id:
                    raise InvalidData(
                        f"identifier {ident} already belongs to {owner}",
                        file=raw.file,
                        row=raw.row,
                        field="identifiers",
                    )
        for link, raw in links.values():
            source, target = known.get(link.source), known.get(link.target)
            if source is None or target is None:
                end, attr = (link.source, "from") if source is None else (link.target, "to")
                raise InvalidData(
                    f"no node '{end}'{self._suggest(end, known)}", file=raw.file, row=raw.row, field=attr
                )
            try:
                self.validator.check_ends(link, source, target)
            except InvalidData as err:
                raise err.located(file=raw.file, row=raw.row) from None
            for src in link.props.get("sources", []):
                need(src, source_labels, raw, "sources")
            for issue in link.props.get("issues", []):
                need(issue, "Issue", raw, "issues")

    def _ontology_issue_nodes(self, ids: Iterable[str]) -> dict[str, StoredNode]:
        """The ontology's issues as nodes, validated like any record (so defaults match)."""
        found = {}
        for issue_id in ids:
            concept = self.onto.issues.get(issue_id)
            if concept is not None:
                record: dict[str, Any] = {
                    "id": issue_id,
                    "name": concept.label,
                    "description": concept.comment,
                }
                if concept.broader:
                    record["broader"] = concept.broader
                found[issue_id] = self.validator.node(RawRecord("ontology", None, "issues", record))
        return found

    def _plan(
        self, nodes: list[StoredNode], links: list[StoredLink], action: str, summary: str
    ) -> tuple[Batch, Result]:
        batch = self._new_batch(action, summary)
        result = Result(changeset=batch.changeset.id)
        stamp = {"recorded_by": batch.changeset.by, "recorded_at": batch.changeset.at}
        existing_nodes = self.backend.get_nodes(n.id for n in nodes)
        existing_links = self.backend.get_links(link.id for link in links)
        privates = self._private_ids(
            [n.id for n in nodes] + [e for link in links for e in (link.source, link.target)]
        )
        privates.update(n.id for n in nodes if is_private_node(n))
        items: list[StoredNode | StoredLink] = [*nodes, *links]
        existing: dict[str, StoredNode | StoredLink] = {**existing_nodes, **existing_links}
        for item in items:
            old = existing.get(item.id)
            props = {**item.props}
            if old is not None and old.props.get("sources"):
                props["sources"] = list(dict.fromkeys([*old.props["sources"], *props.get("sources", [])]))
            new = dataclasses.replace(item, props={**props, **stamp})
            if old is not None and _same_record(old, new):
                result.unchanged += 1
                continue
            result.ids.append(item.id)
            if old is None:
                result.created += 1
            else:
                result.updated += 1
            if isinstance(new, StoredNode):
                batch.upsert_nodes.append(new)
            else:
                batch.upsert_links.append(new)
            self._record(batch, "update" if old else "create", old, new, privates)
        if batch.is_empty():
            result.changeset = None
        return batch, result

    def _commit(self, batch: Batch, result: Result) -> Result:
        if result.changeset is None:
            return result
        self.backend.apply(batch)
        return result

    def initialise(self) -> None:
        """Add the ontology's issues to a new store (once), as the ``init`` change set."""
        if self.backend.get_meta("initialised"):
            return
        batch = self._new_batch("init", "add the ontology's issues")
        stamp = {"recorded_by": "psp-graph", "recorded_at": batch.changeset.at}
        present = self.backend.get_nodes(self.onto.issues)
        for node in self._ontology_issue_nodes(self.onto.issues).values():
            if node.id not in present:
                node = StoredNode(node.id, node.types, node.labels, node.name, {**node.props, **stamp})
                batch.upsert_nodes.append(node)
                self._record(batch, "create", None, node, set())
        if not batch.is_empty():
            self.backend.apply(batch)
        self.backend.set_meta("initialised", batch.changeset.at)

    def _new_batch(self, action: str, summary: str, undoes: str | None = None) -> Batch:
        now = datetime.now(UTC)
        return Batch(
            ChangeSet(
                changeset_id(now),
                now.isoformat(timespec="microseconds"),
                _recorder(),
                action,
                summary,
                undoes,
            )
        )

    def _private_ids(self, ids: Iterable[str]) -> set[str]:
        return {n.id for n in self.backend.get_nodes(ids).values() if is_private_node(n)}

    def _record(
        self,
        batch: Batch,
        op: str,
        before: StoredNode | StoredLink | None,
        after: StoredNode | StoredLink | None,
        privates: set[str],
    ) -> None:
        entity = before or after
        assert entity is not None
        if isinstance(entity, StoredNode):
            private = entity.id in privates or is_private_node(entity)
        else:
            private = entity.source in privates or entity.target in privates
        batch.changes.append(
            Change(
                changeset_id=batch.changeset.id,
                seq=len(batch.changes),
                op=op,
                entity="node" if isinstance(entity, StoredNode) else "link",
                entity_id=entity.id,
                before=snapshot(before, self.onto, private=private) if before else None,
                after=snapshot(after, self.onto, private=private) if after else None,
            )
        )

    # -- reading ---------------------------------------------------------------
    def get_node(self, node_id: str) -> StoredNode:
        node = self.backend.get_node(node_id)
        if node is None:
            raise NodeNotFound(f"no node '{node_id}'{self._suggest(node_id)}")
        return node

    def resolve(self, text: str, *, include_private: bool = False) -> str:
        """An id for what a person typed: an id, or the exact name of one node (a private
        node's real name only with ``include_private``, so a name never reveals a pseudonym)."""
        if self.backend.get_node(text) or self.backend.get_link(text):
            return text
        matches = [
            n
            for n in self.search(text, limit=10, include_private=include_private)
            if n.name.lower() == text.lower()
        ]
        if len(matches) == 1:
            return matches[0].id
        if text in self.onto.issues or f"issue:{text}" in self.onto.issues:
            return text if text.startswith("issue:") else f"issue:{text}"
        raise NodeNotFound(f"no node '{text}'{self._suggest(text)}")

    def _suggest(self, text: str, extra: Iterable[str] = ()) -> str:
        words = text.split(":")[-1].replace("-", " ").split()
        found = {n.id for word in words[:5] for n in self.search(word, limit=10)}
        candidates = sorted({*found, *extra, *self.onto.issues})
        return did_you_mean(text, candidates, list_all=False)

    def search(self, text: str, limit: int = 20, *, include_private: bool = False) -> list[StoredNode]:
        """Nodes matching the words; private nodes only with ``include_private``, so searching
        for a real name never reveals who hides behind a pseudonym."""
        found = self.backend.search(text, limit if include_private else limit * 3)
        return [n for n in found if include_private or shown_by_name(n)][:limit]

    def stats(self) -> Stats:
        return self.backend.stats()

    def history(self, entity_id: str | None = None, limit: int | None = 50) -> list[ChangeSet]:
        return self.backend.changesets(entity_id, limit)

    def load_file(self, path: Path | str, *, dry_run: bool = False, progress: bool = False) -> Result:
        """Load one file (YAML, CSV, XLSX, JSON) all-or-nothing.

        With ``progress``, files of more than 5,000 records show a progress bar on stderr.
        """
        from psp_graph.io.readers import read_records

        records = list(read_records(Path(path), owner_of=self.backend.node_for_identifier))
        summary = f"load {Path(path).name}"
        if not progress or len(records) <= 5000:
            return self.load_records(records, summary=summary, dry_run=dry_run)
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task(f"checking {Path(path).name}", total=len(records))
            return self.load_records(
                records, summary=summary, dry_run=dry_run, on_record=lambda: bar.advance(task)
            )
