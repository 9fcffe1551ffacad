// The projection for betweenness, degree and articulation points in the server (brokers,
// and power-ranking's brokerage): the same graph as
// psp_graph.analysis.projection.project(edges, onto, BROKER_ROLES, directed=False, nodes=actors).
// Every selected actor (alone when unlinked), and one undirected pair (lower id first) per
// two selected actors joined by a collaboration, money or influence link, weights summed.
// cypher-parameters: $issues, $as_of, $issue_types, $broker_types
MATCH (a:Actor)
WHERE {{on_selected_issue(a)}}
RETURN a AS source, null AS target, null AS weight
UNION ALL
MATCH (s:Actor)-[r]->(t:Actor)
WHERE type(r) IN $broker_types AND {{valid(r)}} AND s <> t
  AND {{on_selected_issue(s)}}
  AND {{on_selected_issue(t)}}
WITH CASE WHEN s.id < t.id THEN [s, t] ELSE [t, s] END AS pair, toFloat(coalesce(r.strength, 1)) AS w
WITH pair[0] AS source, pair[1] AS target, w
RETURN source, target, sum(w) AS weight
