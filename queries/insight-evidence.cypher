// name: insight-evidence
// description: Each insight with where it was raised and what evidences it (events, sources, pinboard items, stories, practice examples, pilots); insights without evidence are flagged.
// parameters: issue, as_of, stage
// columns: insight_id, kind, stage, raised_at, evidence, events, sources, pinboard, evidence_ids, unevidenced
// cypher-parameters: $issues, $as_of, $stage
// An issue selection keeps what is ABOUT a selected issue, ABOUT a burning issue about it, or RAISED_AT an event about it.
MATCH (n:Insight)
WHERE ($stage IS NULL OR toString(n.stage) = $stage)
  AND ($issues IS NULL
       OR EXISTS { MATCH (n)-[a1:ABOUT]->(i1:Issue) WHERE ($as_of IS NULL OR ((a1.valid_from IS NULL OR a1.valid_from <= $as_of) AND (a1.valid_to IS NULL OR a1.valid_to >= $as_of))) AND i1.id IN $issues }
       OR EXISTS { MATCH (n)-[a2:ABOUT]->(b2:BurningIssue)-[a3:ABOUT]->(i2:Issue) WHERE ($as_of IS NULL OR ((a2.valid_from IS NULL OR a2.valid_from <= $as_of) AND (a2.valid_to IS NULL OR a2.valid_to >= $as_of))) AND ($as_of IS NULL OR ((a3.valid_from IS NULL OR a3.valid_from <= $as_of) AND (a3.valid_to IS NULL OR a3.valid_to >= $as_of))) AND i2.id IN $issues }
       OR EXISTS { MATCH (n)-[r4:RAISED_AT]->(e4:Event)-[a4:ABOUT]->(i4:Issue) WHERE ($as_of IS NULL OR ((r4.valid_from IS NULL OR r4.valid_from <= $as_of) AND (r4.valid_to IS NULL OR r4.valid_to >= $as_of))) AND ($as_of IS NULL OR ((a4.valid_from IS NULL OR a4.valid_from <= $as_of) AND (a4.valid_to IS NULL OR a4.valid_to >= $as_of))) AND i4.id IN $issues })
OPTIONAL MATCH (n)-[r:EVIDENCED_BY]->(x:Entity)
WHERE ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
WITH n, collect(DISTINCT x) AS found
RETURN n.id AS insight_id, n.kind AS kind, n.stage AS stage,
       size(COLLECT { MATCH (n)-[r2:RAISED_AT]->(y:Entity) WHERE ($as_of IS NULL OR ((r2.valid_from IS NULL OR r2.valid_from <= $as_of) AND (r2.valid_to IS NULL OR r2.valid_to >= $as_of))) RETURN DISTINCT y.id }) AS raised_at,
       size(found) AS evidence,
       size([x IN found WHERE x:Event]) AS events,
       size([x IN found WHERE x:Source]) AS sources,
       size([x IN found WHERE x:PinboardItem]) AS pinboard,
       COLLECT { UNWIND found AS x RETURN x.id ORDER BY x.id } AS evidence_ids,
       size(found) = 0 AS unevidenced
