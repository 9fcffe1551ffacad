// One projection for power-ranking in the server: reach (PageRank) and brokerage
// (betweenness) together, each relationship with its type, so one projection and one drop
// serve both (psp_graph.backends.neo4j_gds, "Several graphs in one projection"):
// - REACH, directed: each money, influence or authority link between selected actors, decision
//   spaces and initiatives, pointed towards the end that holds the power ($flows), summed;
// - BROKER, undirected: the rows of queries/server/brokerage.cypher (lower id first).
// Every selected actor once (alone when unlinked); decision spaces and initiatives come with
// their REACH links only, so betweenness runs on nodeLabels ['Actor'] and BROKER.
// cypher-parameters: $issues, $as_of, $issue_types, $pagerank_types, $flows, $broker_types
MATCH (a:Actor)
WHERE {{on_selected_issue(a)}}
RETURN a AS source, null AS target, null AS weight, null AS type
UNION ALL
MATCH (s:Entity)-[r]->(t:Entity)
WHERE type(r) IN $pagerank_types AND {{valid(r)}} AND s <> t
  AND (s:DecisionSpace OR s:Initiative OR (s:Actor AND {{on_selected_issue(s)}}))
  AND (t:DecisionSpace OR t:Initiative OR (t:Actor AND {{on_selected_issue(t)}}))
WITH s, t, $flows[type(r)] AS flow, toFloat(coalesce(r.strength, 1)) AS w
UNWIND CASE flow WHEN 'source' THEN [[t, s]] WHEN 'target' THEN [[s, t]] ELSE [[s, t], [t, s]] END AS pair
WITH pair[0] AS source, pair[1] AS target, w
RETURN source, target, sum(w) AS weight, 'REACH' AS type
UNION ALL
MATCH (s:Actor)-[r]->(t:Actor)
WHERE type(r) IN $broker_types AND {{valid(r)}} AND s <> t
  AND {{on_selected_issue(s)}}
  AND {{on_selected_issue(t)}}
WITH CASE WHEN s.id < t.id THEN [s, t] ELSE [t, s] END AS pair, toFloat(coalesce(r.strength, 1)) AS w
WITH pair[0] AS source, pair[1] AS target, w
RETURN source, target, sum(w) AS weight, 'BROKER' AS type
