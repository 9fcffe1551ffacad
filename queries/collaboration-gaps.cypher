// name: collaboration-gaps
// description: Where collaboration is missing: actors on the same issue with no collaboration path of length 2 or less; affected communities with no funded ally; needs that nobody controls.
// parameters: issue, as_of, limit
// columns: gap, a, b, issue
// cypher-parameters: $issues, $as_of, $issue_types, $affected_types, $collaboration_types
CALL {
  MATCH (a:Actor)-[r1]->(i:Issue)<-[r2]-(b:Actor)
  WHERE type(r1) IN $issue_types AND type(r2) IN $issue_types AND a.id < b.id
    AND {{valid(r1)}} AND {{valid(r2)}} AND ($issues IS NULL OR i.id IN $issues)
  WITH DISTINCT a, b, i
  WHERE NOT EXISTS { MATCH (a)-[c]-(b) WHERE type(c) IN $collaboration_types AND {{valid(c)}} }
    AND NOT EXISTS {
      MATCH (a)-[c1]-(m)-[c2]-(b)
      WHERE type(c1) IN $collaboration_types AND type(c2) IN $collaboration_types AND {{valid(c1)}} AND {{valid(c2)}}
    }
  RETURN 'no-collaboration' AS gap, a.id AS a, b.id AS b, i.id AS issue
  UNION ALL
  MATCH (a:Actor)-[r]->(i:Issue)
  WHERE type(r) IN $affected_types AND {{valid(r)}} AND ($issues IS NULL OR i.id IN $issues)
  WITH DISTINCT a, i
  WHERE NOT EXISTS { MATCH (:Entity)-[f:FUNDS]->(a) WHERE {{valid(f)}} }
    AND NOT EXISTS {
      MATCH (a)-[c]-(ally:Entity)<-[f:FUNDS]-(:Entity)
      WHERE type(c) IN $collaboration_types AND {{valid(c)}} AND {{valid(f)}}
    }
  RETURN 'unfunded-affected' AS gap, a.id AS a, null AS b, i.id AS issue
  UNION ALL
  MATCH (a:Entity)-[n:NEEDS]->(res:Entity)
  WHERE {{valid(n)}}
    AND NOT EXISTS { MATCH (:Entity)-[c:CONTROLS]->(res) WHERE {{valid(c)}} }
    AND ($issues IS NULL OR EXISTS {
      MATCH (a:Actor)-[ar]->(ai:Issue) WHERE type(ar) IN $issue_types AND ai.id IN $issues AND {{valid(ar)}}
    })
  WITH DISTINCT a, res
  RETURN 'unmet-need' AS gap, a.id AS a, res.id AS b, null AS issue
}
RETURN gap, a, b, issue
