// name: collaboration-gaps
// description: Where collaboration is missing: actors on the same issue with no collaboration path of length 2 or less; affected communities with no funded ally; needs that nobody controls.
// parameters: issue, as_of
// columns: gap, a, b, issue
// cypher-parameters: $issues, $as_of, $issue_types, $affected_types, $collaboration_types
CALL {
  MATCH (a:Actor)-[r1]->(i:Issue)<-[r2]-(b:Actor)
  WHERE type(r1) IN $issue_types AND type(r2) IN $issue_types AND a.id < b.id
    AND ($as_of IS NULL OR ((r1.valid_from IS NULL OR r1.valid_from <= $as_of) AND (r1.valid_to IS NULL OR r1.valid_to >= $as_of))) AND ($as_of IS NULL OR ((r2.valid_from IS NULL OR r2.valid_from <= $as_of) AND (r2.valid_to IS NULL OR r2.valid_to >= $as_of))) AND ($issues IS NULL OR i.id IN $issues)
  WITH DISTINCT a, b, i
  WHERE NOT EXISTS { MATCH (a)-[c]-(b) WHERE type(c) IN $collaboration_types AND ($as_of IS NULL OR ((c.valid_from IS NULL OR c.valid_from <= $as_of) AND (c.valid_to IS NULL OR c.valid_to >= $as_of))) }
    AND NOT EXISTS {
      MATCH (a)-[c1]-(m)-[c2]-(b)
      WHERE type(c1) IN $collaboration_types AND type(c2) IN $collaboration_types AND ($as_of IS NULL OR ((c1.valid_from IS NULL OR c1.valid_from <= $as_of) AND (c1.valid_to IS NULL OR c1.valid_to >= $as_of))) AND ($as_of IS NULL OR ((c2.valid_from IS NULL OR c2.valid_from <= $as_of) AND (c2.valid_to IS NULL OR c2.valid_to >= $as_of)))
    }
  RETURN 'no-collaboration' AS gap, a.id AS a, b.id AS b, i.id AS issue
  UNION ALL
  MATCH (a:Actor)-[r]->(i:Issue)
  WHERE type(r) IN $affected_types AND ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of))) AND ($issues IS NULL OR i.id IN $issues)
  WITH DISTINCT a, i
  WHERE NOT EXISTS { MATCH (:Entity)-[f:FUNDS]->(a) WHERE ($as_of IS NULL OR ((f.valid_from IS NULL OR f.valid_from <= $as_of) AND (f.valid_to IS NULL OR f.valid_to >= $as_of))) }
    AND NOT EXISTS {
      MATCH (a)-[c]-(ally:Entity)<-[f:FUNDS]-(:Entity)
      WHERE type(c) IN $collaboration_types AND ($as_of IS NULL OR ((c.valid_from IS NULL OR c.valid_from <= $as_of) AND (c.valid_to IS NULL OR c.valid_to >= $as_of))) AND ($as_of IS NULL OR ((f.valid_from IS NULL OR f.valid_from <= $as_of) AND (f.valid_to IS NULL OR f.valid_to >= $as_of)))
    }
  RETURN 'unfunded-affected' AS gap, a.id AS a, null AS b, i.id AS issue
  UNION ALL
  MATCH (a:Entity)-[n:NEEDS]->(res:Entity)
  WHERE ($as_of IS NULL OR ((n.valid_from IS NULL OR n.valid_from <= $as_of) AND (n.valid_to IS NULL OR n.valid_to >= $as_of)))
    AND NOT EXISTS { MATCH (:Entity)-[c:CONTROLS]->(res) WHERE ($as_of IS NULL OR ((c.valid_from IS NULL OR c.valid_from <= $as_of) AND (c.valid_to IS NULL OR c.valid_to >= $as_of))) }
    AND ($issues IS NULL OR EXISTS {
      MATCH (a:Actor)-[ar]->(ai:Issue) WHERE type(ar) IN $issue_types AND ai.id IN $issues AND ($as_of IS NULL OR ((ar.valid_from IS NULL OR ar.valid_from <= $as_of) AND (ar.valid_to IS NULL OR ar.valid_to >= $as_of)))
    })
  RETURN 'unmet-need' AS gap, a.id AS a, res.id AS b, null AS issue
}
RETURN gap, a, b, issue
