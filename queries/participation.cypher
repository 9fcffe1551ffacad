// name: participation
// description: Per actor and issue, the highest rung of Arnstein's ladder at which it involves affected people; flags those that stop at tokenism or below.
// parameters: issue, as_of
// columns: actor, issue, highest_rung, rank, ladder_group, involved, stops_at_tokenism
// cypher-parameters: $issues, $as_of, $rung_ranks (rung -> 1..8), $rung_groups (rung -> group), $tokenism_top (highest tokenism rank)
MATCH (s:Entity)-[r:INVOLVES]->(t:Entity)
WHERE {{valid(r)}}
WITH s, r, t,
     CASE WHEN $issues IS NULL
          THEN CASE WHEN size(coalesce(r.issues, [])) = 0 THEN ['*'] ELSE r.issues END
          ELSE [i IN coalesce(r.issues, []) WHERE i IN $issues] END AS issue_keys
UNWIND issue_keys AS issue
WITH s.id AS actor, issue, max($rung_ranks[r.rung]) AS rank, count(DISTINCT t) AS involved
WITH actor, issue, rank, involved, [k IN keys($rung_ranks) WHERE $rung_ranks[k] = rank][0] AS rung
RETURN actor, issue, rung AS highest_rung, rank, $rung_groups[rung] AS ladder_group, involved,
       rank <= $tokenism_top AS stops_at_tokenism
