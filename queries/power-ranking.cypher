// name: power-ranking
// description: An explainable power score per actor: money granted, resources controlled, seats and authority, reach (PageRank) and brokerage (betweenness), each a column.
// parameters: issue, as_of, currency, w_money, w_resources, w_seats, w_reach, w_brokerage, limit
// columns: rank, id, score, money_granted_minor, resources, seats_authority, reach, brokerage
// returns: the projection (part = 'edge') and the counted components (part = 'actor');
//   psp_graph.analysis.power.finish_power_ranking computes PageRank, betweenness and the score.
// cypher-parameters: $issues, $as_of, $currency, $issue_types, $authority_types, $reach_types
MATCH (a:Actor)
WHERE ($issues IS NULL OR EXISTS { MATCH (a)-[a_r]->(a_i:Issue) WHERE type(a_r) IN $issue_types AND a_i.id IN $issues AND ($as_of IS NULL OR ((a_r.valid_from IS NULL OR a_r.valid_from <= $as_of) AND (a_r.valid_to IS NULL OR a_r.valid_to >= $as_of))) })
CALL {
  WITH a
  OPTIONAL MATCH (a)-[f:FUNDS]->(:Entity)
  WHERE ($as_of IS NULL OR ((f.valid_from IS NULL OR f.valid_from <= $as_of) AND (f.valid_to IS NULL OR f.valid_to >= $as_of))) AND f.currency = $currency AND f.amount_minor IS NOT NULL
    AND ($issues IS NULL OR any(i IN coalesce(f.issues, []) WHERE i IN $issues))
  RETURN coalesce(sum(f.amount_minor), 0) AS money
}
CALL {
  WITH a
  OPTIONAL MATCH (a)-[c:CONTROLS]->(:Entity) WHERE ($as_of IS NULL OR ((c.valid_from IS NULL OR c.valid_from <= $as_of) AND (c.valid_to IS NULL OR c.valid_to >= $as_of)))
  RETURN count(c) AS resources
}
CALL {
  WITH a
  OPTIONAL MATCH (a)-[x]->(:Entity) WHERE type(x) IN $authority_types AND ($as_of IS NULL OR ((x.valid_from IS NULL OR x.valid_from <= $as_of) AND (x.valid_to IS NULL OR x.valid_to >= $as_of)))
  RETURN count(x) AS authority
}
RETURN 'actor' AS part, a.id AS id, money AS money_minor, resources, authority AS seats_authority,
       null AS target, null AS type, null AS weight
UNION ALL
MATCH (s:Entity)-[r]->(t:Entity)
WHERE type(r) IN $reach_types AND ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
  AND (s:DecisionSpace OR s:Initiative OR (s:Actor AND ($issues IS NULL OR EXISTS { MATCH (s)-[s_r]->(s_i:Issue) WHERE type(s_r) IN $issue_types AND s_i.id IN $issues AND ($as_of IS NULL OR ((s_r.valid_from IS NULL OR s_r.valid_from <= $as_of) AND (s_r.valid_to IS NULL OR s_r.valid_to >= $as_of))) })))
  AND (t:DecisionSpace OR t:Initiative OR (t:Actor AND ($issues IS NULL OR EXISTS { MATCH (t)-[t_r]->(t_i:Issue) WHERE type(t_r) IN $issue_types AND t_i.id IN $issues AND ($as_of IS NULL OR ((t_r.valid_from IS NULL OR t_r.valid_from <= $as_of) AND (t_r.valid_to IS NULL OR t_r.valid_to >= $as_of))) })))
RETURN 'edge' AS part, s.id AS id, null AS money_minor, null AS resources, null AS seats_authority,
       t.id AS target, type(r) AS type, coalesce(r.strength, 1) AS weight
