"""The SQLite store's schema and its fixed SQL: tables, indexes and the full-text
index (``_SCHEMA``, version ``SCHEMA_VERSION``), a node's links read around it, and
the change-set inserts. Only fixed text: every value goes in as a parameter.
Used by :mod:`psp_graph.backends.sqlite` and :mod:`psp_graph.backends.sqlite_writes`.
"""

from __future__ import annotations

__all__ = [
    "BRIEF_COLUMNS",
    "LINK_ISSUES_FILL",
    "SCHEMA_VERSION",
    "_COUNT_AROUND",
    "_INSERT_CHANGESET",
    "_INSERT_PART_CHANGESET",
    "_LINKS_AROUND",
    "_SCHEMA",
    "_SOURCES_AROUND",
]

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY, types TEXT NOT NULL, labels TEXT NOT NULL,
    name TEXT NOT NULL, props TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS node_labels (
    label TEXT NOT NULL, node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    PRIMARY KEY (label, node_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_labels_node ON node_labels(node_id);
CREATE TABLE IF NOT EXISTS identifiers (
    identifier TEXT PRIMARY KEY,
    node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS identifiers_node ON identifiers(node_id);
CREATE TABLE IF NOT EXISTS links (
    id TEXT PRIMARY KEY, type TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    target TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    props TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS links_source ON links(source);
CREATE INDEX IF NOT EXISTS links_target ON links(target);
CREATE INDEX IF NOT EXISTS links_type ON links(type);
-- Type first, then the ends: analyses read the ends of the links of some types from
-- this index alone, without the rows' attributes. links_type stays for reading whole
-- rows of a type: its entries are in row order, so the rows are read in order too.
CREATE INDEX IF NOT EXISTS links_type_ends ON links(type, source, target);
-- What says how a node may be shown (BRIEF_COLUMNS, the same text): names of 100,000
-- nodes are read from this index alone, without parsing each node's attributes.
CREATE INDEX IF NOT EXISTS nodes_brief ON nodes(
    id, types, labels, name, json_extract(props, '$.privacy'), json_extract(props, '$.consent'),
    json_extract(props, '$.pseudonym'));
CREATE VIRTUAL TABLE IF NOT EXISTS names_fts USING fts5(
    node_id UNINDEXED, name, description, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS changesets (
    id TEXT PRIMARY KEY, at TEXT NOT NULL, by TEXT NOT NULL, action TEXT NOT NULL,
    summary TEXT NOT NULL, undoes TEXT);
CREATE TABLE IF NOT EXISTS changes (
    changeset_id TEXT NOT NULL REFERENCES changesets(id), seq INTEGER NOT NULL,
    op TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
    before TEXT, after TEXT, PRIMARY KEY (changeset_id, seq));
CREATE INDEX IF NOT EXISTS changes_entity ON changes(entity_id);
-- Which links concern which issue by their "issues" attribute: a query filtered to an
-- issue reads those links by index instead of every link's attributes. Kept by triggers
-- on every write; filled once for a store made before it (LINK_ISSUES_FILL, meta link_issues).
CREATE TABLE IF NOT EXISTS link_issues (
    issue TEXT NOT NULL, link_id TEXT NOT NULL, PRIMARY KEY (issue, link_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_issues_link ON link_issues(link_id);
CREATE TRIGGER IF NOT EXISTS links_issues_insert AFTER INSERT ON links BEGIN
    INSERT INTO link_issues(issue, link_id)
    SELECT DISTINCT value, new.id FROM json_each(new.props, '$.issues') WHERE type = 'text';
END;
CREATE TRIGGER IF NOT EXISTS links_issues_update AFTER UPDATE OF props ON links BEGIN
    DELETE FROM link_issues WHERE link_id = old.id;
    INSERT INTO link_issues(issue, link_id)
    SELECT DISTINCT value, new.id FROM json_each(new.props, '$.issues') WHERE type = 'text';
END;
CREATE TRIGGER IF NOT EXISTS links_issues_delete AFTER DELETE ON links BEGIN
    DELETE FROM link_issues WHERE link_id = old.id;
END;
"""
LINK_ISSUES_FILL = (
    "INSERT OR IGNORE INTO link_issues(issue, link_id) "
    "SELECT j.value, l.id FROM links l, json_each(l.props, '$.issues') j WHERE j.type = 'text'"
)


# A node's links: UNION ALL with the self-links left out of the second half (a plain
# UNION would compare whole rows, attributes and all, to drop duplicates).
_LINKS_AROUND = (
    "SELECT id, type, source, target, props FROM links WHERE source = ? UNION ALL "
    "SELECT id, type, source, target, props FROM links WHERE target = ? AND source != ? ORDER BY id"
)
_COUNT_AROUND = (
    "SELECT count(*) FROM (SELECT 1 FROM links WHERE source = ? UNION ALL "
    "SELECT 1 FROM links WHERE target = ? AND source != ?)"
)
_SOURCES_AROUND = (
    "SELECT DISTINCT json_type(props, '$.sources'), json_extract(props, '$.sources') FROM ("
    "SELECT props FROM links WHERE source = ? UNION ALL "
    "SELECT props FROM links WHERE target = ? AND source != ?)"
)
_INSERT_CHANGESET = "INSERT INTO changesets(id, at, by, action, summary, undoes) VALUES (?, ?, ?, ?, ?, ?)"
_INSERT_PART_CHANGESET = _INSERT_CHANGESET + " ON CONFLICT(id) DO NOTHING"

# The brief columns exactly as nodes_brief indexes them (an index on expressions is read
# only for the same expressions).
BRIEF_COLUMNS = (
    "id, types, labels, name, json_extract(props, '$.privacy'), json_extract(props, '$.consent'),"
    " json_extract(props, '$.pseudonym')"
)
