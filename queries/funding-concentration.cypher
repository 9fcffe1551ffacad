// name: funding-concentration
// description: How concentrated money is among funders: HHI, Gini and top-5 share, overall, per issue and per year.
// parameters: issue, place, as_of
// columns: issue, year, currency, funders, grants, total_minor, hhi, gini, top5_share
// cypher-parameters: $issues, $places, $as_of
MATCH (f:Entity)-[r:FUNDS]->(:Entity)
WHERE r.amount_minor IS NOT NULL AND r.amount_minor > 0 AND {{valid(r)}}
  AND ($issues IS NULL OR any(i IN coalesce(r.issues, []) WHERE i IN $issues))
  AND ($places IS NULL OR any(p IN coalesce(r.places, []) WHERE p IN $places))
WITH f, r,
     reduce(keys = ['*'], i IN coalesce(r.issues, []) |
            CASE WHEN i IN keys OR NOT ($issues IS NULL OR i IN $issues) THEN keys ELSE keys + i END) AS issue_keys,
     CASE WHEN r.valid_from IS NULL THEN ['*'] ELSE ['*', substring(r.valid_from, 0, 4)] END AS year_keys
UNWIND issue_keys AS issue
UNWIND year_keys AS year
WITH issue, year, coalesce(r.currency, 'GBP') AS currency, f.id AS funder,
     sum(r.amount_minor) AS amount, count(r) AS grants
ORDER BY amount
WITH issue, year, currency, collect(amount) AS totals, sum(grants) AS grants
WITH issue, year, currency, grants, totals, size(totals) AS n, reduce(s = 0, x IN totals | s + x) AS total
RETURN issue, year, currency, n AS funders, grants, total AS total_minor,
       CASE WHEN total = 0 THEN null
            ELSE reduce(h = 0.0, x IN totals | h + (toFloat(x) / total) ^ 2) END AS hhi,
       CASE WHEN total = 0 THEN null
            ELSE 2.0 * reduce(w = 0.0, k IN range(0, n - 1) | w + toFloat(k + 1) * totals[k]) / (n * toFloat(total))
                 - (n + 1.0) / n END AS gini,
       CASE WHEN total = 0 THEN null
            ELSE toFloat(reduce(t = 0, x IN totals[-5..] | t + x)) / total END AS top5_share
