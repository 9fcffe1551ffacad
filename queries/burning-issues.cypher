// name: burning-issues
// description: Burning issues (barriers and enablers of power sharing) ranked by how many distinct events and sources raised them.
// parameters: issue, as_of
// columns: burning_id, polarity, events, sources, mentions, insights, stages
// cypher-parameters: $issues, $as_of
// An issue selection keeps what is ABOUT a selected issue, ABOUT a burning issue about it, or RAISED_AT an event about it.
MATCH (b:BurningIssue)
WHERE ($issues IS NULL
       OR EXISTS { MATCH (b)-[a1:ABOUT]->(i1:Issue) WHERE ($as_of IS NULL OR ((a1.valid_from IS NULL OR a1.valid_from <= $as_of) AND (a1.valid_to IS NULL OR a1.valid_to >= $as_of))) AND i1.id IN $issues }
       OR EXISTS { MATCH (b)-[a2:ABOUT]->(b2:BurningIssue)-[a3:ABOUT]->(i2:Issue) WHERE ($as_of IS NULL OR ((a2.valid_from IS NULL OR a2.valid_from <= $as_of) AND (a2.valid_to IS NULL OR a2.valid_to >= $as_of))) AND ($as_of IS NULL OR ((a3.valid_from IS NULL OR a3.valid_from <= $as_of) AND (a3.valid_to IS NULL OR a3.valid_to >= $as_of))) AND i2.id IN $issues }
       OR EXISTS { MATCH (b)-[r4:RAISED_AT]->(e4:Event)-[a4:ABOUT]->(i4:Issue) WHERE ($as_of IS NULL OR ((r4.valid_from IS NULL OR r4.valid_from <= $as_of) AND (r4.valid_to IS NULL OR r4.valid_to >= $as_of))) AND ($as_of IS NULL OR ((a4.valid_from IS NULL OR a4.valid_from <= $as_of) AND (a4.valid_to IS NULL OR a4.valid_to >= $as_of))) AND i4.id IN $issues })
OPTIONAL MATCH (b)-[r:RAISED_AT]->(x:Entity)
WHERE ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
WITH b, collect(DISTINCT x.id) + coalesce(b.sources, []) AS cited
OPTIONAL MATCH (c:Entity)
WHERE c.id IN cited
WITH b, collect(DISTINCT c) AS found
WITH b, [c IN found WHERE c:Event] AS events, [c IN found WHERE c:Source] AS sources
RETURN b.id AS burning_id, b.polarity AS polarity, size(events) AS events, size(sources) AS sources,
       size(events) + size(sources) AS mentions,
       COUNT { MATCH (n:Insight)-[a:ABOUT]->(b) WHERE ($as_of IS NULL OR ((a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of))) } AS insights,
       COLLECT { UNWIND events AS e WITH DISTINCT toString(e.stage) AS s WHERE s IS NOT NULL RETURN s ORDER BY s } AS stages
