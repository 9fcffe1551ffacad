// name: pilot-change
// description: For a piloting organisation, what changed between two dates (default: the pilot's own start and end): the highest Arnstein rung with each lived-experience actor it involves, the lived-experience share of seats in its decision spaces, and money it gives to lived-experience actors.
// parameters: pilot, from, to
// columns: pilot_id, organisation_id, measure, subject_id, before, after, changed
// cypher-parameters: $pilot, $from, $to, $rung_ranks (rung -> 1..8)
// Dates default to the pilot's own valid_from and valid_to; links are read whatever their dates, then checked on each date.
MATCH (p:Pilot)-[:PILOTED_BY]->(o:Entity)
WHERE $pilot IS NULL OR p.id = $pilot
WITH DISTINCT p, o, coalesce($`from`, p.valid_from) AS d0, coalesce($`to`, p.valid_to) AS d1
CALL {
  WITH p, o, d0, d1
  MATCH (o)-[i:INVOLVES]->(g:Entity)
  WHERE {{experience(g)}} IN ['lived', 'both']
  WITH g, d0, d1, collect(i) AS links
  WITH g, [l IN links WHERE {{valid_on(l, d0)}} | $rung_ranks[l.rung]] AS r0,
          [l IN links WHERE {{valid_on(l, d1)}} | $rung_ranks[l.rung]] AS r1
  WITH g, [x IN r0 WHERE x IS NOT NULL] AS r0, [x IN r1 WHERE x IS NOT NULL] AS r1
  RETURN 'highest_rung' AS measure, g.id AS subject_id,
         CASE WHEN size(r0) = 0 THEN null ELSE toFloat(reduce(m = 0, x IN r0 | CASE WHEN x > m THEN x ELSE m END)) END AS before,
         CASE WHEN size(r1) = 0 THEN null ELSE toFloat(reduce(m = 0, x IN r1 | CASE WHEN x > m THEN x ELSE m END)) END AS after
  UNION ALL
  WITH p, o, d0, d1
  MATCH (s:DecisionSpace)
  WHERE EXISTS { MATCH (p)-[:CHANGES]->(s) } OR EXISTS { MATCH (o)-[:HOSTS|LEADS]->(s) }
     OR EXISTS { MATCH (o)-[c:SITS_IN]->(s) WHERE c.seat_type = 'chair' }
  OPTIONAL MATCH (m:Entity)-[st:SITS_IN]->(s)
  WITH s, d0, d1, collect(CASE WHEN st IS NULL THEN null ELSE {lived: {{experience(m)}} IN ['lived', 'both'], valid_from: st.valid_from, valid_to: st.valid_to} END) AS seats
  WITH s, [x IN seats WHERE {{valid_on(x, d0)}}] AS s0, [x IN seats WHERE {{valid_on(x, d1)}}] AS s1
  RETURN 'lived_seat_share' AS measure, s.id AS subject_id,
         CASE WHEN size(s0) = 0 THEN null ELSE toFloat(size([x IN s0 WHERE x.lived])) / size(s0) END AS before,
         CASE WHEN size(s1) = 0 THEN null ELSE toFloat(size([x IN s1 WHERE x.lived])) / size(s1) END AS after
  UNION ALL
  WITH p, o, d0, d1
  OPTIONAL MATCH (o)-[f:FUNDS|SUPPORTS]->(g:Entity)
  WHERE {{experience(g)}} IN ['lived', 'both']
  WITH d0, d1, collect(f) AS given
  RETURN 'money_to_lived_minor' AS measure, null AS subject_id,
         toFloat(reduce(total = 0, l IN [l IN given WHERE {{valid_on(l, d0)}}] | total + coalesce(l.amount_minor, 0))) AS before,
         toFloat(reduce(total = 0, l IN [l IN given WHERE {{valid_on(l, d1)}}] | total + coalesce(l.amount_minor, 0))) AS after
}
RETURN p.id AS pilot_id, o.id AS organisation_id, measure, subject_id, before, after,
       CASE WHEN before IS NULL AND after IS NULL THEN false
            WHEN before IS NULL OR after IS NULL THEN true
            ELSE before <> after END AS changed
