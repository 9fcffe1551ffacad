"""Neo4jBackend beyond the shared contract: schema, whitelists, injection, errors, storage."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from psp_graph.backends.neo4j import Neo4jBackend
from psp_graph.cli import main
from psp_graph.exc import InvalidData, StoreUnavailable
from psp_graph.records import Batch, ChangeSet, StoredLink, StoredNode

from .neo4j_support import require_java

pytestmark = pytest.mark.neo4j

WRONG_PASSWORD = "wrong-Secret-7731"
RIGHT_PASSWORD = "right-Secret-4409"


def cs(n: int) -> ChangeSet:
    return ChangeSet(f"cs-neo-{n}", f"2026-02-01T00:00:{n:02d}+00:00", "tester", "load", "test")


def org(slug: str, name: str = "Org", types: tuple[str, ...] = ("Charity",), **props: Any) -> StoredNode:
    labels = {
        "Charity": ("Actor", "Charity", "Organisation"),
        "Business": ("Actor", "Business", "Organisation"),
    }
    return StoredNode(f"org:{slug}", types, labels[types[0]], name, dict(props))


@pytest.fixture
def store(neo4j_store: str) -> Iterator[Neo4jBackend]:
    backend = Neo4jBackend(neo4j_store)
    try:
        yield backend
    finally:
        backend.close()


def cypher(store: Neo4jBackend, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = store.driver.execute_query(query, params, database_=store.database)
    return [r.data() for r in records]


def assert_one_line(message: str, *fragments: str) -> None:
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_schema_is_set_up_once_and_opening_again_changes_nothing(neo4j_store: str) -> None:
    with_schema = []
    for _ in range(2):
        backend = Neo4jBackend(neo4j_store)
        names = {r["name"] for r in cypher(backend, "SHOW CONSTRAINTS YIELD name RETURN name")}
        names |= {r["name"] for r in cypher(backend, "SHOW INDEXES YIELD name RETURN name")}
        with_schema.append(sorted(n for n in names if n.startswith("psp_")))
        backend.close()
    assert with_schema[0] == with_schema[1]
    assert {"psp_entity_id", "psp_entity_text", "psp_rel_funds_id", "psp_identifier_value"} <= set(
        with_schema[0]
    )


def test_labels_and_types_outside_the_ontology_are_rejected_before_any_cypher_runs(
    store: Neo4jBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_cypher(*args: object, **kwargs: object) -> None:
        raise AssertionError("Cypher ran")

    monkeypatch.setattr(store, "_session", no_cypher)
    evil_label = StoredNode("org:x", ("Charity",), ("Charity", "Evil`) DETACH DELETE n //"), "X", {})
    with pytest.raises(InvalidData, match="not in the ontology"):
        store.apply(Batch(cs(1), upsert_nodes=[evil_label]))
    evil_type = StoredLink("link:x", "FUNDS]->() DETACH DELETE r //", "org:a", "org:b", {})
    with pytest.raises(InvalidData, match="not in the ontology"):
        store.apply(Batch(cs(2), upsert_links=[evil_type]))
    monkeypatch.undo()
    assert list(store.iter_nodes("Evil`) MATCH (n) DETACH DELETE n //")) == []
    assert list(store.iter_links("NOT_A_TYPE")) == []


def test_cypher_in_values_and_keys_is_stored_verbatim(store: Neo4jBackend) -> None:
    attack = "x'}) MATCH (n) DETACH DELETE n //` \" \\ $param {id: 1}"
    node = org("attack", attack, description=attack, **{"weird `key` {}": attack, "note": [attack]})
    other = org("other")
    link = StoredLink("link:attack", "FUNDS", node.id, other.id, {"programme": attack, "`": "tick"})
    store.apply(Batch(cs(1), upsert_nodes=[node, other], upsert_links=[link]))
    assert store.get_node(node.id) == node
    assert store.get_link(link.id) == link
    assert store.stats().nodes == 2
    assert [n.id for n in store.search(attack)] == [node.id]


def test_attributes_round_trip_exactly_and_scalars_are_native_properties(store: Neo4jBackend) -> None:
    props: dict[str, Any] = {
        "amount_minor": 2**62,
        "huge": 2**70,
        "ratio": 0.1,
        "illustrative": True,
        "privacy": "public",
        "issues": ["issue:housing", "issue:food"],
        "mixed": [1, "a"],
        "nested": {"k": [1, {"x": None}]},
        "empty": [],
        "nothing": None,
        "text": "Café ünïcode ✓",
        "recorded_at": "2026-01-01T00:00:00+00:00",
    }
    store.apply(Batch(cs(1), upsert_nodes=[org("a", **props)]))
    assert store.get_node("org:a") == org("a", **props)
    (native,) = cypher(store, "MATCH (n:Entity {id: 'org:a'}) RETURN properties(n) AS p")
    p = native["p"]
    assert (
        p["amount_minor"] == 2**62
        and p["issues"] == ["issue:housing", "issue:food"]
        and p["illustrative"] is True
    )
    assert p["types"] == ["Charity"] and p["labels"] == ["Actor", "Charity", "Organisation"]
    assert not {"huge", "mixed", "nested", "nothing", "recorded_at"} & set(p)


def test_a_new_type_replaces_the_old_labels(store: Neo4jBackend) -> None:
    store.apply(Batch(cs(1), upsert_nodes=[org("a")]))
    store.apply(Batch(cs(2), upsert_nodes=[org("a", types=("Business",))]))
    (row,) = cypher(store, "MATCH (n:Entity {id: 'org:a'}) RETURN labels(n) AS labels")
    assert sorted(row["labels"]) == ["Actor", "Business", "Entity", "Organisation"]
    assert store.stats().nodes_by_label == {"Actor": 1, "Business": 1, "Organisation": 1}


def test_a_given_link_id_that_changes_type_or_ends_replaces_the_old_link(store: Neo4jBackend) -> None:
    a, b, c = org("a"), org("b"), org("c")
    store.apply(
        Batch(cs(1), upsert_nodes=[a, b, c], upsert_links=[StoredLink("360G-1", "FUNDS", a.id, b.id, {})])
    )
    store.apply(
        Batch(
            cs(2),
            upsert_links=[StoredLink("360G-1", "MEMBER_OF", a.id, c.id, {"role": "trustee"})],
            given_link_ids={"360G-1"},  # the service says which ids a source gave
        )
    )
    assert store.get_link("360G-1") == StoredLink("360G-1", "MEMBER_OF", a.id, c.id, {"role": "trustee"})
    assert store.stats().links_by_type == {"MEMBER_OF": 1}


def test_search_ignores_accents_keeps_stop_words_and_escapes_lucene_syntax(store: Neo4jBackend) -> None:
    store.apply(Batch(cs(1), upsert_nodes=[org("cafe", "Café Réunion"), org("pot", "The Open Pot")]))
    assert [n.id for n in store.search("cafe")] == ["org:cafe"]
    assert [n.id for n in store.search("réunion")] == ["org:cafe"]
    assert [n.id for n in store.search("The Open")] == ["org:pot"]
    assert store.search('pot AND NOT (x:y) "~ *? \\') == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_a_server_that_is_down_gives_one_line_naming_the_url() -> None:
    url = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailable) as err:
        Neo4jBackend(url)
    assert_one_line(str(err.value), url, "is the server running")


def test_a_server_too_old_is_refused_naming_the_version(
    neo4j_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_read = Neo4jBackend._read

    def old_server(self: Neo4jBackend, query: str, **params: Any) -> list[dict[str, Any]]:
        if "dbms.components" in query:
            return [{"name": "Neo4j Kernel", "versions": ["4.4.12"]}]
        return real_read(self, query, **params)

    monkeypatch.setattr(Neo4jBackend, "_read", old_server)
    with pytest.raises(StoreUnavailable) as err:
        Neo4jBackend(neo4j_store)
    assert_one_line(str(err.value), neo4j_store, "4.4.12", "Neo4j 5.7", "dbms.components")


def test_a_missing_database_names_the_setting(neo4j_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSP_NEO4J_DATABASE", "nosuchdb")
    with pytest.raises(StoreUnavailable) as err:
        Neo4jBackend(neo4j_store)
    assert_one_line(str(err.value), neo4j_store, "PSP_NEO4J_DATABASE")


def test_credentials_in_the_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(StoreUnavailable) as err:
        Neo4jBackend("bolt://neo4j:hunter2@127.0.0.1:7687")
    assert "hunter2" not in str(err.value)
    assert_one_line(str(err.value), "PSP_NEO4J_PASSWORD")


@pytest.fixture(scope="module")
def server_with_auth() -> Iterator[str]:
    """A second server, with auth on (the session's has it off)."""
    tools = require_java()
    with tools.Neo4jServer(password=RIGHT_PASSWORD, timeout=180) as server:
        yield server.uri


def test_a_wrong_password_gives_a_clear_error_without_the_password(
    server_with_auth: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSP_NEO4J_USER", "neo4j")
    monkeypatch.setenv("PSP_NEO4J_PASSWORD", WRONG_PASSWORD)
    monkeypatch.delenv("PSP_NEO4J_DATABASE", raising=False)
    with pytest.raises(StoreUnavailable) as err:
        Neo4jBackend(server_with_auth)
    assert_one_line(str(err.value), server_with_auth, "PSP_NEO4J_USER", "PSP_NEO4J_PASSWORD")
    assert WRONG_PASSWORD not in str(err.value) and RIGHT_PASSWORD not in str(err.value)

    result = CliRunner().invoke(main, ["stats", "--store", server_with_auth])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert WRONG_PASSWORD not in result.output + result.stderr

    monkeypatch.setenv("PSP_NEO4J_PASSWORD", RIGHT_PASSWORD)
    Neo4jBackend(server_with_auth).close()
