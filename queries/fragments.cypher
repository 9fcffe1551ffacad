// Shared Cypher fragments: written once here, expanded into queries/*.cypher where
// {{name(args)}} appears (psp_graph.analysis.cypher.expand). Each fragment is one
// bracketed expression; its arguments are variable names.
// fragment: valid(r)
{{valid_on(r, $as_of)}}
// fragment: experience(a)
(CASE WHEN a.experience IS NOT NULL THEN a.experience WHEN a:LivedExperienceGroup THEN 'lived' ELSE 'unknown' END)
// fragment: on_issue(r, x)
(x.id IN $issues OR any(i IN coalesce(r.issues, []) WHERE i IN $issues))
// fragment: on_selected_issue(a)
($issues IS NULL OR EXISTS { MATCH (a)-[a_r]->(a_i:Issue) WHERE type(a_r) IN $issue_types AND a_i.id IN $issues AND {{valid(a_r)}} })
// fragment: valid_on(r, d)
(d IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= d) AND (r.valid_to IS NULL OR r.valid_to >= d)))
