// name: recommendation-targets
// description: Which actors and decision spaces the recommendations address, joined to the targets' power ranking (over the whole graph): are we asking the powerful to change?
// parameters: issue, as_of
// columns: recommendation_id, target_id, target_type, evidence, power_rank, power_score
// cypher-parameters: $issues, $as_of (power_rank and power_score are joined afterwards from power-ranking)
// An issue selection keeps what is ABOUT a selected issue, ABOUT a burning issue about it, or RAISED_AT an event about it.
MATCH (r:Recommendation)-[a:ADDRESSED_TO]->(t:Entity)
WHERE {{valid(a)}}
  AND ($issues IS NULL
       OR EXISTS { MATCH (r)-[a1:ABOUT]->(i1:Issue) WHERE {{valid(a1)}} AND i1.id IN $issues }
       OR EXISTS { MATCH (r)-[a2:ABOUT]->(b2:BurningIssue)-[a3:ABOUT]->(i2:Issue) WHERE {{valid(a2)}} AND {{valid(a3)}} AND i2.id IN $issues }
       OR EXISTS { MATCH (r)-[r4:RAISED_AT]->(e4:Event)-[a4:ABOUT]->(i4:Issue) WHERE {{valid(r4)}} AND {{valid(a4)}} AND i4.id IN $issues })
WITH DISTINCT r, t
RETURN r.id AS recommendation_id, t.id AS target_id, t.types[0] AS target_type,
       COUNT { MATCH (r)-[e:EVIDENCED_BY]->(:Entity) WHERE {{valid(e)}} } AS evidence,
       null AS power_rank, null AS power_score
