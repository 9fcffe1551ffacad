"""Pydantic models generated from ontology/psp.ttl. Do not edit by hand.

Regenerate with ``python -m psp_graph.codegen``; tests/test_ontology.py fails
when this file and the ontology disagree. The text is ruff-formatted as written.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class NodeClassName(StrEnum):
    """Node classes declared in the ontology."""

    ACTOR = "Actor"
    BUSINESS = "Business"
    CAMPAIGN = "Campaign"
    CHARITY = "Charity"
    COMMUNITYGROUP = "CommunityGroup"
    DECISIONSPACE = "DecisionSpace"
    INITIATIVE = "Initiative"
    ISSUE = "Issue"
    LIVEDEXPERIENCEGROUP = "LivedExperienceGroup"
    MEDIA = "Media"
    NETWORKORCOALITION = "NetworkOrCoalition"
    ORGANISATION = "Organisation"
    PERSON = "Person"
    PUBLICBODY = "PublicBody"
    RESEARCHBODY = "ResearchBody"
    RESOURCE = "Resource"
    SOURCE = "Source"


class RoleName(StrEnum):
    """Roles an actor can hold in addition to its class."""

    CAMPAIGNER = "Campaigner"
    FOODAIDPROVIDER = "FoodAidProvider"
    FUNDER = "Funder"
    HOUSINGPROVIDER = "HousingProvider"
    LANDLORD = "Landlord"
    LOCALAUTHORITY = "LocalAuthority"
    REGULATOR = "Regulator"
    SERVICEPROVIDER = "ServiceProvider"
    STRATEGICAUTHORITY = "StrategicAuthority"
    TRAINER = "Trainer"


class RelationType(StrEnum):
    """Relationship types declared in the ontology."""

    ACCOUNTABLE_TO = "ACCOUNTABLE_TO"
    AFFECTED_BY = "AFFECTED_BY"
    CAMPAIGNS_ON = "CAMPAIGNS_ON"
    CONTROLS = "CONTROLS"
    DECIDES_ON = "DECIDES_ON"
    DRAWS_ON = "DRAWS_ON"
    EMPLOYS = "EMPLOYS"
    FUNDS = "FUNDS"
    HAS_LIVED_EXPERIENCE_OF = "HAS_LIVED_EXPERIENCE_OF"
    HOSTS = "HOSTS"
    INFLUENCES = "INFLUENCES"
    INVOLVES = "INVOLVES"
    LEADS = "LEADS"
    MEMBER_OF = "MEMBER_OF"
    NEEDS = "NEEDS"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    PARTNERS_WITH = "PARTNERS_WITH"
    PART_OF = "PART_OF"
    REPRESENTS = "REPRESENTS"
    SITS_IN = "SITS_IN"
    WORKS_ON = "WORKS_ON"


class Experience(StrEnum):
    """Experience: Lived experience (of poverty or inequality), learnt experience (professional or academic), or both."""

    BOTH = "both"
    LEARNT = "learnt"
    LIVED = "lived"


class PowerForm(StrEnum):
    """Form of power: VeneKlasen and Miller's expressions of power."""

    OVER = "over"
    TO = "to"
    WITH = "with"
    WITHIN = "within"


class PowercubeForm(StrEnum):
    """Powercube form: Gaventa's Powercube forms of power."""

    HIDDEN = "hidden"
    INVISIBLE = "invisible"
    VISIBLE = "visible"


class Space(StrEnum):
    """Powercube space: How open a decision space is."""

    CLAIMED = "claimed"
    CLOSED = "closed"
    INVITED = "invited"


class Level(StrEnum):
    """Powercube level: The level at which a decision space acts."""

    GLOBAL = "global"
    HOUSEHOLD = "household"
    LOCAL = "local"
    NATIONAL = "national"


class Privacy(StrEnum):
    """Privacy: Who may see a node's identifying details."""

    INTERNAL = "internal"
    PRIVATE = "private"
    PUBLIC = "public"


class Confidence(StrEnum):
    """Confidence: How sure the team is of a fact."""

    HIGH = "high"
    LOW = "low"
    MEDIUM = "medium"


class SeatType(StrEnum):
    """Seat type: The kind of seat an actor holds in a decision space."""

    ADVISORY = "advisory"
    CHAIR = "chair"
    OBSERVER = "observer"
    VOTING = "voting"


class SourceKind(StrEnum):
    """Source kind: What kind of thing a source is."""

    GRANT_360 = "grant_360"
    INTERVIEW = "interview"
    LITERATURE = "literature"
    PUBLIC_RECORD = "public_record"
    WEB_PAGE = "web_page"
    WORKSHOP = "workshop"


class ResourceKind(StrEnum):
    """Resource kind: The kinds of resource that confer power."""

    DATA = "data"
    DECISION_SEAT = "decision_seat"
    EXPERTISE = "expertise"
    FUNDING = "funding"
    NETWORK_ACCESS = "network_access"
    PLATFORM = "platform"
    SPACE = "space"
    VOLUNTEERS = "volunteers"


class ArnsteinLadder(StrEnum):
    """Arnstein's ladder of citizen participation: Eight rungs, from manipulation (1) to citizen control (8), grouped into non-participation, tokenism and citizen power (Arnstein, 1969)."""

    MANIPULATION = "manipulation"
    THERAPY = "therapy"
    INFORMING = "informing"
    CONSULTATION = "consultation"
    PLACATION = "placation"
    PARTNERSHIP = "partnership"
    DELEGATED_POWER = "delegated_power"
    CITIZEN_CONTROL = "citizen_control"


class ArnsteinGroups(StrEnum):
    """Arnstein's ladder groups: The three groups of rungs."""

    CITIZEN_POWER = "citizen_power"
    NON_PARTICIPATION = "non_participation"
    TOKENISM = "tokenism"


class NodeRecord(BaseModel):
    """Attributes every node may carry."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, defer_build=True)

    id: str
    types: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.HIGH
    consent: bool = False
    description: str | None = None
    identifiers: list[str] = Field(default_factory=list)
    illustrative: bool = False
    location: str | None = None
    name: str = Field(min_length=1)
    note: str | None = None
    privacy: Privacy | None = None
    sources: list[str] = Field(default_factory=list)
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    website: str | None = None


class ActorRecord(NodeRecord):
    """Actor: Someone who can hold or share power: an organisation, a person or a lived-experience group."""

    experience: Experience | None = None
    power_form: PowerForm | None = None


class DecisionSpaceRecord(NodeRecord):
    """Decision space: A board, panel, assembly or forum where decisions are made (Gaventa's Powercube: closed, invited or claimed; household, local, national or global)."""

    level: Level | None = None
    space: Space | None = None


class InitiativeRecord(NodeRecord):
    """Initiative: A project, programme, deep dive or community of practice."""


class IssueRecord(NodeRecord):
    """Issue: A burning issue: a concept in the psp:Issues scheme. Narrower issues can be added as data."""

    broader: str | None = None


class ResourceRecord(NodeRecord):
    """Resource: Something that gives power to whoever controls it: money, decision seats, data, space, expertise, platforms, network access, volunteers."""

    amount: Decimal | None = Field(default=None, ge=0)
    currency: str = "GBP"
    kind: ResourceKind | None = None


class SourceRecord(NodeRecord):
    """Source: Where a fact comes from: a workshop, an interview, literature, a public record, a 360Giving grant or a web page."""

    date: datetime.date | None = None
    kind: SourceKind | None = None
    publisher: str | None = None
    url: str | None = None


NODE_RECORDS: dict[str, type[NodeRecord]] = {
    "Actor": ActorRecord,
    "DecisionSpace": DecisionSpaceRecord,
    "Initiative": InitiativeRecord,
    "Issue": IssueRecord,
    "Resource": ResourceRecord,
    "Source": SourceRecord,
}


class LinkRecord(BaseModel):
    """Attributes every link may carry."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, defer_build=True)

    id: str | None = None
    type: str
    source: str
    target: str
    confidence: Confidence = Confidence.HIGH
    illustrative: bool = False
    note: str | None = None
    power_form: PowerForm | None = None
    powercube_form: PowercubeForm | None = None
    sources: list[str] = Field(default_factory=list)
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


class AccountableToLink(LinkRecord):
    """accountable to: Must answer to another actor or a decision space."""


class AffectedByLink(LinkRecord):
    """affected by: Is directly affected by an issue."""


class CampaignsOnLink(LinkRecord):
    """campaigns on: Campaigns for change on an issue."""


class ControlsLink(LinkRecord):
    """controls: Holds and decides the use of a resource."""


class DecidesOnLink(LinkRecord):
    """decides on: Has formal authority to decide on an issue, a resource or an initiative."""

    issues: list[str] = Field(default_factory=list)


class DrawsOnLink(LinkRecord):
    """draws on: Builds on the work, tools or ideas of an initiative or a resource."""


class EmploysLink(LinkRecord):
    """employs: Employs a person."""


class FundsLink(LinkRecord):
    """funds: Gives money to (a grant, a contract, a budget)."""

    amount: Decimal | None = Field(default=None, ge=0)
    currency: str = "GBP"
    issues: list[str] = Field(default_factory=list)
    programme: str | None = None


class HasLivedExperienceOfLink(LinkRecord):
    """has lived experience of: Brings lived experience of an issue."""


class HostsLink(LinkRecord):
    """hosts: Hosts an initiative or a decision space."""


class InfluencesLink(LinkRecord):
    """influences: Shapes what another actor or a decision space does on an issue (Net-Map)."""

    issues: list[str] = Field(default_factory=list)
    strength: int | None = Field(default=None, ge=1, le=5)


class InvolvesLink(LinkRecord):
    """involves: Involves people in its decisions at a rung of Arnstein's ladder."""

    issues: list[str] = Field(default_factory=list)
    rung: ArnsteinLadder


class LeadsLink(LinkRecord):
    """leads: Leads, chairs or directs."""


class MemberOfLink(LinkRecord):
    """member of: Belongs to an organisation, network, group or initiative."""

    role: str | None = None


class NeedsLink(LinkRecord):
    """needs: Needs a resource it does not control."""


class ParticipatesInLink(LinkRecord):
    """participates in: Takes part in an initiative, e.g. a community of practice."""


class PartnersWithLink(LinkRecord):
    """partners with: Works together as partners (symmetric)."""

    issues: list[str] = Field(default_factory=list)


class PartOfLink(LinkRecord):
    """part of: Is part of a larger initiative, organisation or decision space."""


class RepresentsLink(LinkRecord):
    """represents: Speaks for another actor."""


class SitsInLink(LinkRecord):
    """sits in: Holds a seat in a decision space."""

    seat_type: SeatType | None = None


class WorksOnLink(LinkRecord):
    """works on: Works on an issue (services, research, policy)."""


LINK_RECORDS: dict[str, type[LinkRecord]] = {
    "ACCOUNTABLE_TO": AccountableToLink,
    "AFFECTED_BY": AffectedByLink,
    "CAMPAIGNS_ON": CampaignsOnLink,
    "CONTROLS": ControlsLink,
    "DECIDES_ON": DecidesOnLink,
    "DRAWS_ON": DrawsOnLink,
    "EMPLOYS": EmploysLink,
    "FUNDS": FundsLink,
    "HAS_LIVED_EXPERIENCE_OF": HasLivedExperienceOfLink,
    "HOSTS": HostsLink,
    "INFLUENCES": InfluencesLink,
    "INVOLVES": InvolvesLink,
    "LEADS": LeadsLink,
    "MEMBER_OF": MemberOfLink,
    "NEEDS": NeedsLink,
    "PARTICIPATES_IN": ParticipatesInLink,
    "PARTNERS_WITH": PartnersWithLink,
    "PART_OF": PartOfLink,
    "REPRESENTS": RepresentsLink,
    "SITS_IN": SitsInLink,
    "WORKS_ON": WorksOnLink,
}
