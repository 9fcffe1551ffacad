// name: burning-issues
// description: Burning issues (barriers and enablers of power sharing) ranked by how many distinct events and sources raised them.
// parameters: issue, as_of
// columns: burning_id, polarity, events, sources, mentions, insights, stages
// cypher-parameters: $issues, $as_of
// An issue selection keeps what is ABOUT a selected issue, ABOUT a burning issue about it, or RAISED_AT an event about it.
MATCH (b:BurningIssue)
WHERE ($issues IS NULL
       OR EXISTS { MATCH (b)-[a1:ABOUT]->(i1:Issue) WHERE {{valid(a1)}} AND i1.id IN $issues }
       OR EXISTS { MATCH (b)-[a2:ABOUT]->(b2:BurningIssue)-[a3:ABOUT]->(i2:Issue) WHERE {{valid(a2)}} AND {{valid(a3)}} AND i2.id IN $issues }
       OR EXISTS { MATCH (b)-[r4:RAISED_AT]->(e4:Event)-[a4:ABOUT]->(i4:Issue) WHERE {{valid(r4)}} AND {{valid(a4)}} AND i4.id IN $issues })
OPTIONAL MATCH (b)-[r:RAISED_AT]->(x:Entity)
WHERE {{valid(r)}}
WITH b, collect(DISTINCT x.id) + coalesce(b.sources, []) AS cited
OPTIONAL MATCH (c:Entity)
WHERE c.id IN cited
WITH b, collect(DISTINCT c) AS found
WITH b, [c IN found WHERE c:Event] AS events, [c IN found WHERE c:Source] AS sources
RETURN b.id AS burning_id, b.polarity AS polarity, size(events) AS events, size(sources) AS sources,
       size(events) + size(sources) AS mentions,
       COUNT { MATCH (n:Insight)-[a:ABOUT]->(b) WHERE {{valid(a)}} } AS insights,
       COLLECT { UNWIND events AS e WITH DISTINCT toString(e.stage) AS s WHERE s IS NOT NULL RETURN s ORDER BY s } AS stages
