// name: recommendation-targets
// description: Which actors and decision spaces the recommendations address, joined to the targets' power ranking (over the whole graph): are we asking the powerful to change?
// parameters: issue, as_of
// columns: recommendation_id, target_id, target_type, evidence, power_rank, power_score
// cypher-parameters: $issues, $as_of (power_rank and power_score are joined afterwards from power-ranking)
// An issue selection keeps what is ABOUT a selected issue, ABOUT a burning issue about it, or RAISED_AT an event about it.
MATCH (r:Recommendation)-[a:ADDRESSED_TO]->(t:Entity)
WHERE ($as_of IS NULL OR ((a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)))
  AND ($issues IS NULL
       OR EXISTS { MATCH (r)-[a1:ABOUT]->(i1:Issue) WHERE ($as_of IS NULL OR ((a1.valid_from IS NULL OR a1.valid_from <= $as_of) AND (a1.valid_to IS NULL OR a1.valid_to >= $as_of))) AND i1.id IN $issues }
       OR EXISTS { MATCH (r)-[a2:ABOUT]->(b2:BurningIssue)-[a3:ABOUT]->(i2:Issue) WHERE ($as_of IS NULL OR ((a2.valid_from IS NULL OR a2.valid_from <= $as_of) AND (a2.valid_to IS NULL OR a2.valid_to >= $as_of))) AND ($as_of IS NULL OR ((a3.valid_from IS NULL OR a3.valid_from <= $as_of) AND (a3.valid_to IS NULL OR a3.valid_to >= $as_of))) AND i2.id IN $issues }
       OR EXISTS { MATCH (r)-[r4:RAISED_AT]->(e4:Event)-[a4:ABOUT]->(i4:Issue) WHERE ($as_of IS NULL OR ((r4.valid_from IS NULL OR r4.valid_from <= $as_of) AND (r4.valid_to IS NULL OR r4.valid_to >= $as_of))) AND ($as_of IS NULL OR ((a4.valid_from IS NULL OR a4.valid_from <= $as_of) AND (a4.valid_to IS NULL OR a4.valid_to >= $as_of))) AND i4.id IN $issues })
WITH DISTINCT r, t
RETURN r.id AS recommendation_id, t.id AS target_id, t.types[0] AS target_type,
       COUNT { MATCH (r)-[e:EVIDENCED_BY]->(:Entity) WHERE ($as_of IS NULL OR ((e.valid_from IS NULL OR e.valid_from <= $as_of) AND (e.valid_to IS NULL OR e.valid_to >= $as_of))) } AS evidence,
       null AS power_rank, null AS power_score
