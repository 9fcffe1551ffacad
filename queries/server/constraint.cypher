// Burt's constraint in the server (brokers): GDS has no procedure for it. The same value as
// igraph's unweighted constraint on the brokerage projection: with N(x) the distinct selected
// actors joined to x by a valid collaboration, money or influence link (either direction),
// d(x) = |N(x)| and m(i, j) = sum of 1/d(q) over q in N(i) and N(j),
//   constraint(i) = sum over j in N(i) of ((1 + m(i, j)) / d(i))^2
//                 = (d(i) + sum over j of (2 m(i, j) + m(i, j)^2)) / d(i)^2.
// Actors with no neighbour get no row (null, as in the Python path). Cost: the paths of
// length two, sum of d(q)^2 over the actors.
// cypher-parameters: $issues, $as_of, $issue_types, $broker_types
MATCH (i:Actor)
WHERE {{on_selected_issue(i)}}
CALL {
  WITH i
  MATCH (i)-[r]-(j:Actor)
  WHERE type(r) IN $broker_types AND {{valid(r)}} AND j <> i AND {{on_selected_issue(j)}}
  RETURN collect(DISTINCT j) AS nbrs
}
WITH i, nbrs, size(nbrs) AS di
WHERE di > 0
CALL {
  WITH i, nbrs
  UNWIND nbrs AS q
  CALL {
    WITH q
    MATCH (q)-[r]-(x:Actor)
    WHERE type(r) IN $broker_types AND {{valid(r)}} AND x <> q AND {{on_selected_issue(x)}}
    RETURN collect(DISTINCT x) AS qn
  }
  UNWIND qn AS j
  WITH i, nbrs, j, 1.0 / size(qn) AS share
  WHERE j <> i AND j IN nbrs
  WITH j, sum(share) AS m
  RETURN sum(2 * m + m * m) AS extra
}
RETURN i.id AS id, (di + extra) / toFloat(di * di) AS constraint
