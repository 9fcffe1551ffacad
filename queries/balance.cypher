// name: balance
// description: Lived versus learnt experience among the actors on each issue and in each decision space.
// parameters: issue, as_of
// columns: scope, scope_id, lived, learnt, both, unknown, lived_share
// cypher-parameters: $issues, $as_of, $issue_types (relationship types with the "issue" analysis role)
CALL {
  MATCH (a:Actor)-[r]->(i:Issue)
  WHERE type(r) IN $issue_types AND {{valid(r)}} AND ($issues IS NULL OR i.id IN $issues)
  WITH DISTINCT i, a
  RETURN 'issue' AS scope, i.id AS scope_id, {{experience(a)}} AS e
  UNION ALL
  MATCH (d:DecisionSpace)
  WHERE ($issues IS NULL OR EXISTS {
    MATCH (d)-[w:WORKS_ON|DECIDES_ON]->(x:Entity)
    WHERE {{valid(w)}} AND {{on_issue(w, x)}}
  })
  MATCH (a:Actor)-[s:SITS_IN]->(d)
  WHERE {{valid(s)}}
  WITH DISTINCT d, a
  RETURN 'decision_space' AS scope, d.id AS scope_id, {{experience(a)}} AS e
}
WITH scope, scope_id, collect(e) AS es
WITH scope, scope_id, size([x IN es WHERE x = 'lived']) AS lived, size([x IN es WHERE x = 'learnt']) AS learnt,
     size([x IN es WHERE x = 'both']) AS both, size([x IN es WHERE x = 'unknown']) AS unknown
RETURN scope, scope_id, lived, learnt, both, unknown,
       CASE WHEN lived + learnt + both = 0 THEN null
            ELSE toFloat(lived + both) / (lived + learnt + both) END AS lived_share
