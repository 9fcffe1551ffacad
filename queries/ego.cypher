// name: ego
// description: Everything within N hops of an actor (not passing through issue nodes).
// parameters: actor, hops, as_of
// columns: id, types, distance
// cypher-parameters: $actor (an id), $hops (1-5), $as_of
// A breadth-first search unrolled to the largest allowed hops: each step expands
// the frontier once, so the cost is the links within reach, never the paths.
MATCH (a:Entity {id: $actor})
WITH a, CASE WHEN a:Issue THEN [] ELSE [a] END AS frontier, [a] AS seen,
     [{id: a.id, types: a.types, distance: 0}] AS found
CALL {
  WITH frontier, seen
  UNWIND CASE WHEN $hops >= 1 THEN frontier ELSE [] END AS f
  OPTIONAL MATCH (f)-[r]-(n:Entity)
  WHERE NOT n:Issue AND NOT n IN seen AND {{valid(r)}}
  RETURN collect(DISTINCT n) AS next1
}
WITH next1 AS frontier, seen, found
WITH frontier, seen + frontier AS seen, found + [n IN frontier | {id: n.id, types: n.types, distance: 1}] AS found
CALL {
  WITH frontier, seen
  UNWIND CASE WHEN $hops >= 2 THEN frontier ELSE [] END AS f
  OPTIONAL MATCH (f)-[r]-(n:Entity)
  WHERE NOT n:Issue AND NOT n IN seen AND {{valid(r)}}
  RETURN collect(DISTINCT n) AS next2
}
WITH next2 AS frontier, seen, found
WITH frontier, seen + frontier AS seen, found + [n IN frontier | {id: n.id, types: n.types, distance: 2}] AS found
CALL {
  WITH frontier, seen
  UNWIND CASE WHEN $hops >= 3 THEN frontier ELSE [] END AS f
  OPTIONAL MATCH (f)-[r]-(n:Entity)
  WHERE NOT n:Issue AND NOT n IN seen AND {{valid(r)}}
  RETURN collect(DISTINCT n) AS next3
}
WITH next3 AS frontier, seen, found
WITH frontier, seen + frontier AS seen, found + [n IN frontier | {id: n.id, types: n.types, distance: 3}] AS found
CALL {
  WITH frontier, seen
  UNWIND CASE WHEN $hops >= 4 THEN frontier ELSE [] END AS f
  OPTIONAL MATCH (f)-[r]-(n:Entity)
  WHERE NOT n:Issue AND NOT n IN seen AND {{valid(r)}}
  RETURN collect(DISTINCT n) AS next4
}
WITH next4 AS frontier, seen, found
WITH frontier, seen + frontier AS seen, found + [n IN frontier | {id: n.id, types: n.types, distance: 4}] AS found
CALL {
  WITH frontier, seen
  UNWIND CASE WHEN $hops >= 5 THEN frontier ELSE [] END AS f
  OPTIONAL MATCH (f)-[r]-(n:Entity)
  WHERE NOT n:Issue AND NOT n IN seen AND {{valid(r)}}
  RETURN collect(DISTINCT n) AS next5
}
WITH next5 AS frontier, seen, found
WITH frontier, seen + frontier AS seen, found + [n IN frontier | {id: n.id, types: n.types, distance: 5}] AS found
UNWIND found AS row
RETURN row.id AS id, row.types AS types, row.distance AS distance
