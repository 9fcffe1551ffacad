"""One live capture session: the store, the map shown, and the edits made from the room.

Every edit goes through the Graph service (validation, ids, privacy, history,
undo) with the session's event as its source, each as its own change set. All
store work runs on one worker thread: SQLite connections belong to the thread
that opened them, and one thread also serialises the writes of several browsers,
so two tabs editing at once lose nothing.

>>> session = WorkshopSession("sqlite://:memory:", source="Session notes, May 2020", layout="room")
>>> session.add_actor({"name": "Quillmead Renters Forum", "type": "community-group"})["changeset"] != ""
True
>>> session.close()
"""

from __future__ import annotations

import dataclasses
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from psp_graph.exc import InvalidData, PspGraphError

if TYPE_CHECKING:
    from collections.abc import Callable

    from psp_graph.graph import Graph
    from psp_graph.maps import MapOptions, MapPage
    from psp_graph.maps.style import MapStyle

__all__ = ["WorkshopSession"]

T = TypeVar("T")

# Fields a facilitator may type for a link besides type, from and to (the rest via "more").
_LINK_FIELDS = ("note", "valid_from", "valid_to", "rung", "amount", "strength", "role")


class WorkshopSession:
    """The state of one ``psp workshop``: a Graph service on its own thread, and a version
    that changes with every change set or dragged position (what the pages poll)."""

    def __init__(
        self,
        store: str | None,
        *,
        event: str | None = None,
        source: str | None = None,
        layout: str = "workshop",
        options: MapOptions | None = None,
    ) -> None:
        from psp_graph.maps import MapOptions
        from psp_graph.maps.layout import _meta_key

        if (event is None) == (source is None):
            raise InvalidData("give the workshop's event (--event EVENT_ID) or a source title (--source)")
        _meta_key(layout)  # a bad layout name fails before the server starts
        self.layout = layout
        self.options = dataclasses.replace(options or MapOptions(workshop=True), layout=layout)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="psp-workshop")
        self._graph: Graph = self._run(lambda: _open(store))
        # Maps are drawn on a thread of their own, over a second connection, so an edit never
        # waits for a redraw (an in-memory store has one connection, so one thread).
        self._renderer = self._worker
        self._view: Graph = self._graph
        if "memory" not in self._graph.reader().url:
            self._renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="psp-workshop-map")
            self._view = self._renderer.submit(lambda: _open(store, read_only=True)).result()
        self._events: list[dict[str, Any]] = []
        self._events_lock = threading.Lock()
        try:
            self.source = self._run(lambda: self._checked_source(event, source))
        except PspGraphError:
            self.close()
            raise
        self._moves = 0
        self._payload: tuple[str, dict[str, Any]] | None = None

    # -- the worker thread ------------------------------------------------------
    def _run(self, work: Callable[[], T]) -> T:
        return self._worker.submit(work).result()

    def _draw(self, work: Callable[[], T]) -> T:
        return self._renderer.submit(work).result()

    def close(self) -> None:
        """Close the store and stop the worker threads."""
        view = getattr(self, "_view", None)
        if view is not None and view is not getattr(self, "_graph", None):
            self._draw(view.close)
            self._renderer.shutdown(wait=True)
        graph = getattr(self, "_graph", None)
        if graph is not None:
            self._run(graph.close)
        self._worker.shutdown(wait=True)

    # -- what the pages hear at once ----------------------------------------------
    def events(self, after: int = 0) -> dict[str, Any]:
        """Edits made here since event ``after``, for the pages to show before the map is redrawn:
        ``{"seq": N, "events": [...]}`` (a link with its ends' ids, an actor, a move, a refresh)."""
        with self._events_lock:
            return {"seq": len(self._events), "events": self._events[max(0, after) :]}

    def _announce(self, event: dict[str, Any]) -> None:
        with self._events_lock:
            self._events.append(event)

    def _checked_source(self, event: str | None, source: str | None) -> str:
        if event is not None:
            reader = self._graph.reader()
            event_id = reader.resolve(event)
            node = reader.node(event_id)
            if "Event" not in node.labels and "Source" not in node.labels:
                raise InvalidData(f"'{event}' is a {node.types[0]}, not an event or a source", field="event")
            return event_id
        assert source is not None
        if not source.strip():
            raise InvalidData("the workshop's source title is empty", field="source")
        return source.strip()

    # -- reading ------------------------------------------------------------------
    def version(self) -> str:
        """Changes whenever the store gets a change set (from here or from the CLI) or a node is dragged."""
        return self._draw(self._version)

    def _version(self) -> str:
        newest = self._view.reader().changesets(limit=1)
        return f"{newest[0].id if newest else 'empty'}.{self._moves}"

    def state(self, since: str | None = None) -> dict[str, Any]:
        """``{"version": V}``, plus the map's ``payload`` when ``since`` is not the current version."""
        return self._draw(lambda: self._state(since))

    def _state(self, since: str | None) -> dict[str, Any]:
        current = self._version()
        if since == current:
            return {"version": current}
        return {"version": current, "payload": self._current_payload(current)}

    def _current_payload(self, current: str) -> dict[str, Any]:
        if self._payload is None or self._payload[0] != current:
            try:
                payload = self._render().payload
            except PspGraphError:
                payload = {}  # nothing to draw yet: the page shows an empty map
            self._payload = (current, payload)
        return self._payload[1]

    def _render(self) -> MapPage:
        """The map from the session's layout; places found for new nodes are saved, so nothing
        already on the wall moves when a link is added."""
        from psp_graph.maps import load_layout, make_map, save_layout

        page = make_map(self._view, self.options)
        if page.positions != load_layout(self._view.reader(), self.layout):
            if self._renderer is self._worker:
                save_layout(self._graph, self.layout, page.positions)
            else:
                self._run(lambda: save_layout(self._graph, self.layout, page.positions))
        return page

    def page(self) -> tuple[str, str]:
        """The map page's HTML (drawn from the saved layout) and its version."""
        return self._draw(self._page)

    def _page(self) -> tuple[str, str]:
        return self._render().html, self._version()

    def choices(self) -> dict[str, list[list[str]]]:
        """The actor types and relationship types the edit panel offers, as [value, label]."""
        onto = self._graph.onto
        actors = sorted(
            (
                [name, cls.label]
                for name, cls in onto.classes.items()
                if cls.kind == "Actor" and name != "Actor"
            ),
            key=lambda pair: pair[1],
        )
        links = sorted([name, rel.label] for name, rel in onto.relations.items())
        return {"actor_types": actors, "link_types": links}

    @cached_property
    def _style(self) -> MapStyle:
        from psp_graph.maps.style import map_style

        return map_style(self._graph.onto)

    # -- writing ------------------------------------------------------------------
    def add_actor(self, fields: dict[str, Any]) -> dict[str, str]:
        """Add (or update) an actor from the panel's fields: ``name``, ``type``, ``description``."""
        return self._run(lambda: self._add_actor(fields))

    def _add_actor(self, fields: dict[str, Any]) -> dict[str, str]:
        name, kind = _text(fields, "name"), _text(fields, "type")
        record: dict[str, Any] = {"name": name, "types": [kind]}
        if _text(fields, "description", required=False):
            record["description"] = _text(fields, "description")
        result = self._graph.add(
            record,
            section="actors",
            sources=[self.source],
            source_kind="workshop",
            summary="workshop: add actor",
        )
        node = self._graph.reader().find((result.ids or [""])[-1])
        if node is not None:  # shown as the reader shows it: a private person by pseudonym
            look = self._style.node_class(node.types)
            cls = {"label": look.label, "color": look.color, "shape": look.shape, "kind": look.kind}
            self._announce({"kind": "node", "id": node.id, "l": node.name, "cls": cls})
        return {"changeset": result.changeset or "", "message": f"added {name}: {result.summary()}"}

    def add_link(self, fields: dict[str, Any]) -> dict[str, str]:
        """Add (or update) a link from ``type``, ``from`` and ``to`` (ids, names or pseudonyms),
        with an optional ``note`` and the attributes of :data:`_LINK_FIELDS`."""
        return self._run(lambda: self._add_link(fields))

    def _add_link(self, fields: dict[str, Any]) -> dict[str, str]:
        reader = self._graph.reader()
        record: dict[str, Any] = {"type": _text(fields, "type")}
        record["from"] = reader.resolve(_text(fields, "from"))
        record["to"] = reader.resolve(_text(fields, "to"))
        for key in _LINK_FIELDS:
            if _text(fields, key, required=False):
                record[key] = _text(fields, key)
        result = self._graph.add(
            record,
            section="links",
            sources=[self.source],
            source_kind="workshop",
            summary="workshop: add link",
        )
        link = reader.link((result.ids or [""])[-1])
        if link is not None:
            from psp_graph.maps.payload import relation_row

            rel = relation_row(self._style.relations[link.type])
            self._announce(
                {"kind": "link", "id": link.id, "from": link.source, "to": link.target, "rel": rel}
            )
        return {
            "changeset": result.changeset or "",
            "message": f"{(result.ids or ['link'])[-1]}: {result.summary()}",
        }

    def undo(self, changeset: str) -> dict[str, str]:
        """Undo one change set made in this session (a new change set, as ``psp undo``)."""
        return self._run(lambda: self._undo(changeset))

    def _undo(self, changeset: str) -> dict[str, str]:
        if not changeset.strip():
            raise InvalidData("nothing to undo yet", field="changeset")
        result = self._graph.undo(changeset.strip())
        self._announce({"kind": "refresh"})
        return {"changeset": result.changeset or "", "message": f"undid {changeset}: {result.summary()}"}

    def move(self, positions: dict[str, Any]) -> dict[str, str]:
        """Save dragged positions ``{node_id: [x, y]}`` into the session's layout."""
        return self._run(lambda: self._move(positions))

    def _move(self, positions: dict[str, Any]) -> dict[str, str]:
        from psp_graph.maps.layout import load_layout, save_layout

        reader = self._graph.reader()
        saved = load_layout(reader, self.layout)
        for node_id, point in positions.items():
            if (
                not isinstance(point, list)
                or len(point) != 2
                or not all(isinstance(v, int | float) for v in point)
            ):
                raise InvalidData(
                    f"a position is [x, y] in pixels, got {json.dumps(point)[:40]}", field="positions"
                )
            if not reader.has(str(node_id)):
                raise InvalidData(f"no node '{node_id}' to move", field="positions")
            saved[str(node_id)] = (round(point[0]), round(point[1]))
        save_layout(self._graph, self.layout, saved)
        self._moves += 1
        for node_id in positions:
            x, y = saved[str(node_id)]
            self._announce({"kind": "move", "id": str(node_id), "x": x, "y": y})
        return {"changeset": "", "message": f"saved {len(positions)} positions in layout {self.layout}"}


def _open(store: str | None, *, read_only: bool = False) -> Graph:
    from psp_graph.graph import Graph

    return Graph.open(store, read_only=read_only)


def _text(fields: dict[str, Any], key: str, *, required: bool = True) -> str:
    """A field of a form as one line of text; InvalidData naming the field when it is missing."""
    value = fields.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidData(f"missing {key}", field=key)
        return ""
    if not isinstance(value, str | int | float):
        raise InvalidData(f"{key} must be text", field=key)
    return str(value).strip()
