// name: funding-flows
// description: Who funds whom: every FUNDS link with its amount, programme, issues and period.
// parameters: issue, place, funder, as_of, limit
// columns: funder, recipient, amount_minor, currency, programme, issues, valid_from, valid_to, link
// cypher-parameters: $issues (the issue and its narrower issues, or null), $places (place codes, or null), $funder (an id or null), $as_of (ISO date or null)
MATCH (f:Entity)-[r:FUNDS]->(t:Entity)
WHERE ($funder IS NULL OR f.id = $funder)
  AND {{valid(r)}}
  AND ($issues IS NULL OR any(i IN coalesce(r.issues, []) WHERE i IN $issues))
  AND ($places IS NULL OR any(p IN coalesce(r.places, []) WHERE p IN $places))
RETURN f.id AS funder, t.id AS recipient, r.amount_minor AS amount_minor, r.currency AS currency,
       r.programme AS programme, coalesce(r.issues, []) AS issues, r.valid_from AS valid_from,
       r.valid_to AS valid_to, r.id AS link
