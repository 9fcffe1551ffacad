// name: community-balance
// description: Who takes part in the community of practice, per stage: participants by experience (counts) and named participants by actor type; never names.
// parameters: issue, as_of
// columns: stage, dimension, group, participants, events
// cypher-parameters: $issues, $as_of
// An issue selection keeps what is ABOUT a selected issue, ABOUT a burning issue about it, or RAISED_AT an event about it.
MATCH (e:Event)
WHERE ($issues IS NULL
       OR EXISTS { MATCH (e)-[a1:ABOUT]->(i1:Issue) WHERE {{valid(a1)}} AND i1.id IN $issues }
       OR EXISTS { MATCH (e)-[a2:ABOUT]->(b2:BurningIssue)-[a3:ABOUT]->(i2:Issue) WHERE {{valid(a2)}} AND {{valid(a3)}} AND i2.id IN $issues }
       OR EXISTS { MATCH (e)-[r4:RAISED_AT]->(e4:Event)-[a4:ABOUT]->(i4:Issue) WHERE {{valid(r4)}} AND {{valid(a4)}} AND i4.id IN $issues })
OPTIONAL MATCH (a:Entity)-[t:TAKES_PART_IN]->(e)
WHERE {{valid(t)}}
WITH e, collect(CASE WHEN t IS NULL THEN null ELSE {exp: coalesce(t.experience, {{experience(a)}}), type: a.types[0]} END) AS named
WITH e, coalesce(toString(e.stage), 'unknown') AS stage, named,
     (e.participants_lived IS NOT NULL OR e.participants_learnt IS NOT NULL OR e.participants_both IS NOT NULL) AS counted
WITH e, stage,
     CASE WHEN counted THEN [
            {dimension: 'experience', grp: 'lived', n: coalesce(e.participants_lived, 0)},
            {dimension: 'experience', grp: 'learnt', n: coalesce(e.participants_learnt, 0)},
            {dimension: 'experience', grp: 'both', n: coalesce(e.participants_both, 0)}]
          ELSE [x IN named | {dimension: 'experience', grp: x.exp, n: 1}] END
     + [x IN named | {dimension: 'actor type', grp: x.type, n: 1}] AS parts
UNWIND parts AS p
WITH e, stage, p
WHERE p.n > 0
RETURN stage, p.dimension AS dimension, p.grp AS `group`, sum(p.n) AS participants, count(DISTINCT e) AS events
