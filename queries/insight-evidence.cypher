// name: insight-evidence
// description: Each insight with where it was raised and what evidences it (events, sources, pinboard items, stories, practice examples, pilots); insights without evidence are flagged.
// parameters: issue, as_of, stage
// columns: insight_id, kind, stage, raised_at, evidence, events, sources, pinboard, evidence_ids, unevidenced
// cypher-parameters: $issues, $as_of, $stage
// An issue selection keeps what is ABOUT a selected issue, ABOUT a burning issue about it, or RAISED_AT an event about it.
MATCH (n:Insight)
WHERE ($stage IS NULL OR toString(n.stage) = $stage)
  AND ($issues IS NULL
       OR EXISTS { MATCH (n)-[a1:ABOUT]->(i1:Issue) WHERE {{valid(a1)}} AND i1.id IN $issues }
       OR EXISTS { MATCH (n)-[a2:ABOUT]->(b2:BurningIssue)-[a3:ABOUT]->(i2:Issue) WHERE {{valid(a2)}} AND {{valid(a3)}} AND i2.id IN $issues }
       OR EXISTS { MATCH (n)-[r4:RAISED_AT]->(e4:Event)-[a4:ABOUT]->(i4:Issue) WHERE {{valid(r4)}} AND {{valid(a4)}} AND i4.id IN $issues })
OPTIONAL MATCH (n)-[r:EVIDENCED_BY]->(x:Entity)
WHERE {{valid(r)}}
WITH n, collect(DISTINCT x) AS found
RETURN n.id AS insight_id, n.kind AS kind, n.stage AS stage,
       size(COLLECT { MATCH (n)-[r2:RAISED_AT]->(y:Entity) WHERE {{valid(r2)}} RETURN DISTINCT y.id }) AS raised_at,
       size(found) AS evidence,
       size([x IN found WHERE x:Event]) AS events,
       size([x IN found WHERE x:Source]) AS sources,
       size([x IN found WHERE x:PinboardItem]) AS pinboard,
       COLLECT { UNWIND found AS x RETURN x.id ORDER BY x.id } AS evidence_ids,
       size(found) = 0 AS unevidenced
