// name: collaboration-summary
// description: Collaboration gaps at scale, per issue: how many pairs of actors on it have no collaboration path of length 2 or less, the most isolated actors, and the most promising pairs to introduce (no such path, but shared funders or decision spaces); top-k of each.
// parameters: issue, as_of, top, hub_limit
// columns: issue, kind, a, b, count, of
// returns: who is on which issue (part = 'member'), collaboration links (part = 'collab')
//   and who funds or seats whom (part = 'hub': the funder or decision space, then the actor);
//   psp_graph.analysis.gaps.finish_collaboration_summary counts and ranks.
// cypher-parameters: $issues, $as_of, $issue_types, $collaboration_types, $money_types, $seat_types
MATCH (a:Actor)-[r]->(i:Issue)
WHERE type(r) IN $issue_types AND {{valid(r)}} AND ($issues IS NULL OR i.id IN $issues)
RETURN DISTINCT 'member' AS part, a.id AS id, i.id AS target
UNION ALL
MATCH (s)-[c]->(t)
WHERE type(c) IN $collaboration_types AND {{valid(c)}}
RETURN 'collab' AS part, s.id AS id, t.id AS target
UNION ALL
MATCH (f:Actor)-[m]->(t:Actor)
WHERE type(m) IN $money_types AND {{valid(m)}}
RETURN 'hub' AS part, f.id AS id, t.id AS target
UNION ALL
MATCH (t:Actor)-[s]->(d:DecisionSpace)
WHERE type(s) IN $seat_types AND {{valid(s)}}
RETURN 'hub' AS part, d.id AS id, t.id AS target
