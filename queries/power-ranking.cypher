// name: power-ranking
// description: An explainable power score per actor: money granted, resources controlled, seats and authority, reach (PageRank) and brokerage (betweenness), each a column.
// parameters: issue, as_of, currency, w_money, w_resources, w_seats, w_reach, w_brokerage, limit
// columns: rank, id, score, money_granted_minor, resources, seats_authority, reach, brokerage
// returns: the projection (part = 'edge') and the counted components (part = 'actor');
//   psp_graph.analysis.power.finish_power_ranking computes PageRank, betweenness and the score.
// cypher-parameters: $issues, $as_of, $currency, $issue_types, $authority_types, $reach_types, $with_projection
//   (false: the actor rows only, when the server computes the algorithms itself)
MATCH (a:Actor)
WHERE {{on_selected_issue(a)}}
CALL {
  WITH a
  OPTIONAL MATCH (a)-[f:FUNDS]->(:Entity)
  WHERE {{valid(f)}} AND f.currency = $currency AND f.amount_minor IS NOT NULL
    AND ($issues IS NULL OR any(i IN coalesce(f.issues, []) WHERE i IN $issues))
  RETURN coalesce(sum(f.amount_minor), 0) AS money
}
CALL {
  WITH a
  OPTIONAL MATCH (a)-[c:CONTROLS]->(:Entity) WHERE {{valid(c)}}
  RETURN count(c) AS resources
}
CALL {
  WITH a
  OPTIONAL MATCH (a)-[x]->(:Entity) WHERE type(x) IN $authority_types AND {{valid(x)}}
  RETURN count(x) AS authority
}
RETURN 'actor' AS part, a.id AS id, money AS money_minor, resources, authority AS seats_authority,
       null AS target, null AS type, null AS weight
UNION ALL
MATCH (s:Entity)-[r]->(t:Entity)
WHERE $with_projection AND type(r) IN $reach_types AND {{valid(r)}}
  AND (s:DecisionSpace OR s:Initiative OR (s:Actor AND {{on_selected_issue(s)}}))
  AND (t:DecisionSpace OR t:Initiative OR (t:Actor AND {{on_selected_issue(t)}}))
RETURN 'edge' AS part, s.id AS id, null AS money_minor, null AS resources, null AS seats_authority,
       t.id AS target, type(r) AS type, coalesce(r.strength, 1) AS weight
