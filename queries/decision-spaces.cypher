// name: decision-spaces
// description: Who sits in each decision space, its Powercube space and level, and the share of seats held by lived-experience actors.
// parameters: issue, as_of
// columns: space_id, space, level, members, seats, voting_seats, lived_seats, lived_voting_seats, lived_share, lived_voting_share
// cypher-parameters: $issues, $as_of
MATCH (d:DecisionSpace)
WHERE ($issues IS NULL OR EXISTS {
    MATCH (d)-[w:WORKS_ON|DECIDES_ON]->(x:Entity)
    WHERE {{valid(w)}} AND {{on_issue(w, x)}}
  })
OPTIONAL MATCH (a:Entity)-[s:SITS_IN]->(d)
WHERE {{valid(s)}}
WITH d, collect(CASE WHEN s IS NULL THEN null ELSE {
       actor: a.id, voting: s.seat_type IN ['chair', 'voting'],
       lived: {{experience(a)}} IN ['lived', 'both']} END) AS held
WITH d, held, [h IN held WHERE h.lived] AS lived, [h IN held WHERE h.voting] AS voting
WITH d, held, lived, voting, [h IN lived WHERE h.voting] AS lived_voting
RETURN d.id AS space_id, d.space AS space, d.level AS level,
       COLLECT { UNWIND held AS h WITH DISTINCT h.actor AS m RETURN m ORDER BY m } AS members,
       size(held) AS seats, size(voting) AS voting_seats, size(lived) AS lived_seats,
       size(lived_voting) AS lived_voting_seats,
       CASE WHEN size(held) = 0 THEN null ELSE toFloat(size(lived)) / size(held) END AS lived_share,
       CASE WHEN size(voting) = 0 THEN null ELSE toFloat(size(lived_voting)) / size(voting) END AS lived_voting_share
