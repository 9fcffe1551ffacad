// The projection for power-ranking's reach (PageRank) in the server: the same graph as
// psp_graph.analysis.projection.project(edges, onto, REACH_ROLES, directed=True, nodes=actors).
// Every selected actor (alone when unlinked), and each money, influence or authority link
// between selected actors, decision spaces and initiatives, pointed towards the end that
// holds the power ($flows: type -> 'source', 'target' or 'shared'), parallel links summed.
// cypher-parameters: $issues, $as_of, $issue_types, $pagerank_types, $flows
MATCH (a:Actor)
WHERE {{on_selected_issue(a)}}
RETURN a AS source, null AS target, null AS weight
UNION ALL
MATCH (s:Entity)-[r]->(t:Entity)
WHERE type(r) IN $pagerank_types AND {{valid(r)}} AND s <> t
  AND (s:DecisionSpace OR s:Initiative OR (s:Actor AND {{on_selected_issue(s)}}))
  AND (t:DecisionSpace OR t:Initiative OR (t:Actor AND {{on_selected_issue(t)}}))
WITH s, t, $flows[type(r)] AS flow, toFloat(coalesce(r.strength, 1)) AS w
UNWIND CASE flow WHEN 'source' THEN [[t, s]] WHEN 'target' THEN [[s, t]] ELSE [[s, t], [t, s]] END AS pair
WITH pair[0] AS source, pair[1] AS target, w
RETURN source, target, sum(w) AS weight
