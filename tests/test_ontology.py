"""The ontology is the single source of truth; code and ontology must agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from psp_graph import model
from psp_graph.codegen import MODEL_PATH, generate_model_source
from psp_graph.ontology import PSP, load_ontology
from psp_graph.resources import resource_path

PSP_NS = rdflib.Namespace(PSP)
SCHEMA = rdflib.Namespace("https://schema.org/")


def test_generated_model_matches_the_ontology() -> None:
    assert MODEL_PATH.read_text(encoding="utf-8") == generate_model_source(), (
        "psp_graph/model.py is out of date: run python -m psp_graph.codegen"
    )


def test_ontology_reference_matches_the_ontology() -> None:
    from psp_graph.reference import REFERENCE_PATH, generate_reference

    assert REFERENCE_PATH.read_text(encoding="utf-8") == generate_reference(), (
        "ontology/REFERENCE.md is out of date: run python -m psp_graph.codegen"
    )


def test_model_enums_list_exactly_the_ontology_terms() -> None:
    onto = load_ontology()
    assert {r.value for r in model.RelationType} == set(onto.relations)
    assert {c.value for c in model.NodeClassName} == set(onto.classes) - {"Node"}
    assert {r.value for r in model.RoleName} == set(onto.roles)
    assert [r.value for r in model.ArnsteinLadder] == list(onto.vocabularies["ArnsteinLadder"].codes)
    assert set(model.LINK_RECORDS) == set(onto.relations)


def test_every_class_relation_and_attribute_has_a_label_and_a_comment() -> None:
    g = rdflib.Graph().parse(resource_path("ontology", "psp.ttl"))
    terms = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, PSP_NS.RelationshipType))
    terms |= set(g.subjects(RDF.type, OWL.DatatypeProperty)) | set(g.subjects(RDF.type, SKOS.Concept))
    missing = [t for t in terms if str(t).startswith(PSP) and (g.value(t, RDFS.comment) is None)]
    unlabelled = [
        t
        for t in terms
        if str(t).startswith(PSP) and not (g.value(t, RDFS.label) or g.value(t, SKOS.prefLabel))
    ]
    assert missing == [] and unlabelled == []


def test_architecture_terms_are_all_declared() -> None:
    onto = load_ontology()
    for cls in (
        "Organisation",
        "Charity",
        "CommunityGroup",
        "PublicBody",
        "Business",
        "NetworkOrCoalition",
        "ResearchBody",
        "Media",
        "Person",
        "LivedExperienceGroup",
        "Issue",
        "Resource",
        "Initiative",
        "Campaign",
        "DecisionSpace",
        "Source",
    ):
        assert cls in onto.classes
    for rel in (
        "FUNDS",
        "CONTROLS",
        "MEMBER_OF",
        "EMPLOYS",
        "LEADS",
        "PARTNERS_WITH",
        "CAMPAIGNS_ON",
        "WORKS_ON",
        "AFFECTED_BY",
        "HAS_LIVED_EXPERIENCE_OF",
        "DECIDES_ON",
        "SITS_IN",
        "INFLUENCES",
        "INVOLVES",
        "REPRESENTS",
        "ACCOUNTABLE_TO",
        "NEEDS",
    ):
        assert rel in onto.relations
    assert set(onto.vocabularies["ResourceKind"].codes) == {
        "funding",
        "decision_seat",
        "data",
        "space",
        "expertise",
        "platform",
        "network_access",
        "volunteers",
    }
    assert onto.vocabularies["Space"].codes == ("claimed", "closed", "invited")
    assert set(onto.vocabularies["Level"].codes) == {"household", "local", "national", "global"}
    assert set(onto.vocabularies["Experience"].codes) == {"lived", "learnt", "both"}
    assert set(onto.vocabularies["PowerForm"].codes) == {"over", "with", "to", "within"}
    assert set(onto.vocabularies["PowercubeForm"].codes) == {"visible", "hidden", "invisible"}
    assert set(onto.vocabularies["Privacy"].codes) == {"public", "internal", "private"}


def test_arnstein_ladder_is_ordered_and_grouped() -> None:
    ladder = load_ontology().vocabularies["ArnsteinLadder"]
    assert ladder.codes == (
        "manipulation",
        "therapy",
        "informing",
        "consultation",
        "placation",
        "partnership",
        "delegated_power",
        "citizen_control",
    )
    assert [ladder.ranks[c] for c in ladder.codes] == list(range(1, 9))
    assert [ladder.groups[c] for c in ladder.codes] == ["non_participation"] * 2 + ["tokenism"] * 3 + [
        "citizen_power"
    ] * 3


def test_domains_and_ranges_mean_any_of_not_all_of() -> None:
    g = rdflib.Graph().parse(resource_path("ontology", "psp.ttl"))
    # rdfs:domain on a relationship would mean "all of"; the ontology uses domainIncludes instead.
    for rel in g.subjects(RDF.type, PSP_NS.RelationshipType):
        assert g.value(rel, RDFS.domain) is None and g.value(rel, RDFS.range) is None
        assert len(list(g.objects(rel, SCHEMA.domainIncludes))) >= 1
    onto = load_ontology()
    assert onto.relations["FUNDS"].range == ("Actor", "DecisionSpace", "Initiative")


def test_relations_carry_attributes_keys_symmetry_and_analysis_roles() -> None:
    onto = load_ontology()
    funds = onto.relations["FUNDS"]
    assert {"amount", "currency", "programme", "issues", "valid_from", "valid_to", "sources"} <= set(
        funds.attributes
    )
    assert funds.analysis_roles == ("money",) and not funds.symmetric
    assert onto.relations["PARTNERS_WITH"].symmetric
    assert onto.relations["INVOLVES"].required == ("rung",)
    assert (
        "issues" in onto.relations["DECIDES_ON"].attributes
        and "issues" in onto.relations["INFLUENCES"].attributes
    )
    assert {"collaboration", "money", "influence", "authority"} <= {
        r for rel in onto.relations.values() for r in rel.analysis_roles
    }


def test_roles_are_extra_types_an_actor_can_hold() -> None:
    onto = load_ontology()
    assert {"Funder", "HousingProvider", "FoodAidProvider"} <= set(onto.roles)
    assert onto.labels_for(["Charity", "Funder"]) == ("Actor", "Charity", "Funder", "Organisation")


def test_issue_scheme_has_housing_and_food_poverty_trees() -> None:
    tree = load_ontology().issue_tree()
    assert {
        "issue:private-renting",
        "issue:social-housing",
        "issue:homelessness",
        "issue:temporary-accommodation",
    } <= set(tree["issue:housing"])
    assert {"issue:food-banks", "issue:free-school-meals", "issue:food-insecurity"} <= set(
        tree["issue:food-poverty"]
    )


def test_alignment_with_w3c_vocabularies() -> None:
    g = rdflib.Graph().parse(resource_path("ontology", "psp.ttl"))
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    foaf = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    assert (PSP_NS.Organisation, RDFS.subClassOf, org.Organization) in g
    assert (PSP_NS.Person, RDFS.subClassOf, foaf.Person) in g
    assert (PSP_NS.Source, RDFS.subClassOf, prov.Entity) in g
    assert (PSP_NS.Issue, RDFS.subClassOf, SKOS.Concept) in g
    assert (PSP_NS.MEMBER_OF, RDFS.subPropertyOf, org.memberOf) in g


def test_labels_are_a_closed_whitelist() -> None:
    allowed = load_ontology().allowed_labels()
    assert "Charity" in allowed and "Funder" in allowed
    assert "Node" not in allowed and "Entity) DETACH DELETE n //" not in allowed


def test_the_compiled_copy_of_the_ontology_equals_a_fresh_read_and_a_bad_copy_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psp_graph.ontology_cache import cached_ontology
    from psp_graph.ontology_rdf import read_ontology
    from psp_graph.resources import resource_path

    monkeypatch.setenv("PSP_CACHE_DIR", str(tmp_path))
    path = resource_path("ontology", "psp.ttl")
    fresh = read_ontology(path)
    first = cached_ontology(path)  # reads the Turtle file and writes the copy
    (copy,) = tmp_path.glob("ontology-*.json")
    second = cached_ontology(path)  # from the copy
    assert first == fresh and second == fresh
    assert second.relation("funds").keys == fresh.relation("funds").keys
    copy.write_text("{not json", encoding="utf-8")
    assert cached_ontology(path) == fresh
    edited = tmp_path / "psp.ttl"
    edited.write_text(
        path.read_text(encoding="utf-8").replace('"funds"', '"gives money to"'), encoding="utf-8"
    )
    assert cached_ontology(edited).relations["FUNDS"].label == "gives money to"  # a new hash, a new copy
