// name: ego
// description: Everything within N hops of an actor (not passing through issue nodes).
// parameters: actor, hops, as_of
// columns: id, types, distance
// cypher-parameters: $actor (an id), $hops (1-5), $as_of
MATCH (a:Entity {id: $actor})
RETURN a.id AS id, a.types AS types, 0 AS distance
UNION ALL
MATCH (a:Entity {id: $actor}), (b:Entity)
WHERE b <> a AND NOT b:Issue AND NOT a:Issue
MATCH p = shortestPath((a)-[*..5]-(b))
WHERE length(p) <= $hops AND none(n IN nodes(p) WHERE n:Issue)
  AND all(r IN relationships(p) WHERE ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of))))
RETURN b.id AS id, b.types AS types, length(p) AS distance
