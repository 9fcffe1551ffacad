// name: brokers
// description: Who connects otherwise separate parts of the network: betweenness (exact, or sampled with a fixed seed on big graphs), Burt's constraint and articulation points.
// parameters: issue, as_of, exact_below, samples, seed, limit
// columns: id, betweenness, constraint, articulation_point, degree, sampled
// returns: the actors (part = 'actor') and the undirected projection (part = 'edge');
//   psp_graph.analysis.power.finish_brokers computes the graph algorithms.
// cypher-parameters: $issues, $as_of, $issue_types, $broker_types, $with_projection
//   (false: the actor rows only, when the server computes the algorithms itself)
MATCH (a:Actor)
WHERE {{on_selected_issue(a)}}
RETURN 'actor' AS part, a.id AS id, null AS target, null AS type, null AS weight
UNION ALL
MATCH (s:Actor)-[r]->(t:Actor)
WHERE $with_projection AND type(r) IN $broker_types AND {{valid(r)}}
  AND {{on_selected_issue(s)}}
  AND {{on_selected_issue(t)}}
RETURN 'edge' AS part, s.id AS id, t.id AS target, type(r) AS type, coalesce(r.strength, 1) AS weight
