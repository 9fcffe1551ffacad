// name: brokers
// description: Who connects otherwise separate parts of the network: betweenness (exact, or sampled with a fixed seed on big graphs), Burt's constraint and articulation points.
// parameters: issue, as_of, exact_below, samples, seed, limit
// columns: id, betweenness, constraint, articulation_point, degree, sampled
// returns: the actors (part = 'actor') and the undirected projection (part = 'edge');
//   psp_graph.analysis.power.finish_brokers computes the graph algorithms.
// cypher-parameters: $issues, $as_of, $issue_types, $broker_types
MATCH (a:Actor)
WHERE ($issues IS NULL OR EXISTS { MATCH (a)-[a_r]->(a_i:Issue) WHERE type(a_r) IN $issue_types AND a_i.id IN $issues AND ($as_of IS NULL OR ((a_r.valid_from IS NULL OR a_r.valid_from <= $as_of) AND (a_r.valid_to IS NULL OR a_r.valid_to >= $as_of))) })
RETURN 'actor' AS part, a.id AS id, null AS target, null AS type, null AS weight
UNION ALL
MATCH (s:Actor)-[r]->(t:Actor)
WHERE type(r) IN $broker_types AND ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
  AND ($issues IS NULL OR EXISTS { MATCH (s)-[s_r]->(s_i:Issue) WHERE type(s_r) IN $issue_types AND s_i.id IN $issues AND ($as_of IS NULL OR ((s_r.valid_from IS NULL OR s_r.valid_from <= $as_of) AND (s_r.valid_to IS NULL OR s_r.valid_to >= $as_of))) })
  AND ($issues IS NULL OR EXISTS { MATCH (t)-[t_r]->(t_i:Issue) WHERE type(t_r) IN $issue_types AND t_i.id IN $issues AND ($as_of IS NULL OR ((t_r.valid_from IS NULL OR t_r.valid_from <= $as_of) AND (t_r.valid_to IS NULL OR t_r.valid_to >= $as_of))) })
RETURN 'edge' AS part, s.id AS id, t.id AS target, type(r) AS type, coalesce(r.strength, 1) AS weight
