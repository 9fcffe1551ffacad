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
    BURNINGISSUE = "BurningIssue"
    BUSINESS = "Business"
    CAMPAIGN = "Campaign"
    CHARITY = "Charity"
    COMMUNITYGROUP = "CommunityGroup"
    DECISIONSPACE = "DecisionSpace"
    EVENT = "Event"
    INITIATIVE = "Initiative"
    INSIGHT = "Insight"
    ISSUE = "Issue"
    LIVEDEXPERIENCEGROUP = "LivedExperienceGroup"
    MEDIA = "Media"
    NETWORKORCOALITION = "NetworkOrCoalition"
    ORGANISATION = "Organisation"
    PERSON = "Person"
    PILOT = "Pilot"
    PINBOARDITEM = "PinboardItem"
    PLACE = "Place"
    PRACTICEEXAMPLE = "PracticeExample"
    PUBLICBODY = "PublicBody"
    RECOMMENDATION = "Recommendation"
    RESEARCHBODY = "ResearchBody"
    RESOURCE = "Resource"
    SOURCE = "Source"
    STORY = "Story"


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

    ABOUT = "ABOUT"
    ACCOUNTABLE_TO = "ACCOUNTABLE_TO"
    ADDRESSED_TO = "ADDRESSED_TO"
    AFFECTED_BY = "AFFECTED_BY"
    CAMPAIGNS_ON = "CAMPAIGNS_ON"
    CHANGES = "CHANGES"
    CONTROLS = "CONTROLS"
    DECIDES_ON = "DECIDES_ON"
    DRAWS_ON = "DRAWS_ON"
    EMPLOYS = "EMPLOYS"
    EVIDENCED_BY = "EVIDENCED_BY"
    FUNDS = "FUNDS"
    HAS_LIVED_EXPERIENCE_OF = "HAS_LIVED_EXPERIENCE_OF"
    HOSTS = "HOSTS"
    INFLUENCES = "INFLUENCES"
    INVOLVES = "INVOLVES"
    LEADS = "LEADS"
    MEMBER_OF = "MEMBER_OF"
    NEEDS = "NEEDS"
    ORGANISES = "ORGANISES"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    PARTNERS_WITH = "PARTNERS_WITH"
    PART_OF = "PART_OF"
    PILOTED_BY = "PILOTED_BY"
    PINNED = "PINNED"
    PRACTISED_BY = "PRACTISED_BY"
    RAISED_AT = "RAISED_AT"
    REPRESENTS = "REPRESENTS"
    SITS_IN = "SITS_IN"
    SUPPORTS = "SUPPORTS"
    TAKES_PART_IN = "TAKES_PART_IN"
    TOLD_BY = "TOLD_BY"
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


class Stage(StrEnum):
    """Stage: The five stages in which the community of practice learns together."""

    V_1 = "1"
    V_2 = "2"
    V_3 = "3"
    V_4 = "4"
    V_5 = "5"


class Phase(StrEnum):
    """Phase: The project's three phases."""

    ONE = "one"
    TWO = "two"
    THREE = "three"


class EventKind(StrEnum):
    """Event kind: How the community of practice learns."""

    INTERVIEW = "interview"
    LITERATURE_REVIEW = "literature_review"
    ROUNDTABLE = "roundtable"
    TRAINING = "training"
    VISIT = "visit"
    WORKSHOP = "workshop"


class EventFormat(StrEnum):
    """Event format: Where an event took place."""

    HYBRID = "hybrid"
    IN_PERSON = "in_person"
    ONLINE = "online"


class PinboardKind(StrEnum):
    """Pinboard item kind: What the community is reading, listening to and watching."""

    ARTICLE = "article"
    PODCAST = "podcast"
    REPORT = "report"
    TOOLKIT = "toolkit"
    VIDEO = "video"


class Polarity(StrEnum):
    """Polarity: Whether a burning issue gets in the way of sharing power or helps it."""

    BARRIER = "barrier"
    ENABLER = "enabler"


class InsightKind(StrEnum):
    """Insight kind: What kind of learning an insight is."""

    BARRIER = "barrier"
    FINDING = "finding"
    GOOD_PRACTICE = "good_practice"
    VISION = "vision"


class SupportKind(StrEnum):
    """Support kind: Support given so that income is no barrier to taking part."""

    EQUIPMENT = "equipment"
    EXPENSES = "expenses"
    PAID_TIME = "paid_time"


class NodeRecord(BaseModel):
    """Attributes every node may carry."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, defer_build=True)

    id: str
    types: list[str] = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    confidence: Confidence | None = None
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
    unregistered: bool = False


class BurningIssueRecord(NodeRecord):
    """Burning issue: A barrier or enabler of power sharing (e.g. short-term funding, tokenistic consultation): a concept in the psp:BurningIssues scheme, not a topical issue."""

    polarity: Polarity | None = None


class DecisionSpaceRecord(NodeRecord):
    """Decision space: A board, panel, assembly or forum where decisions are made (Gaventa's Powercube: closed, invited or claimed; household, local, national or global)."""

    level: Level | None = None
    space: Space | None = None


class EventRecord(NodeRecord):
    """Event: A workshop, roundtable, interview, literature review, visit or training of the community of practice. Facts heard at an event cite the event as their source."""

    date: datetime.date | None = None
    format: EventFormat | None = None
    kind: EventKind | None = None
    participants_both: int | None = Field(default=None, ge=0)
    participants_learnt: int | None = Field(default=None, ge=0)
    participants_lived: int | None = Field(default=None, ge=0)
    phase: Phase | None = None
    stage: Stage | None = None


class InitiativeRecord(NodeRecord):
    """Initiative: A project, programme, deep dive or community of practice."""


class InsightRecord(NodeRecord):
    """Insight: A finding, good practice, barrier or vision, raised at events and evidenced by events, sources and pinboard items."""

    date: datetime.date | None = None
    kind: InsightKind | None = None
    stage: Stage | None = None


class IssueRecord(NodeRecord):
    """Issue: A topic the project works on (housing, food poverty, ...): a concept in the psp:Issues scheme. Narrower issues can be added as data. Not a burning issue: those are psp:BurningIssue, the barriers and enablers of power sharing."""

    broader: str | None = None


class PilotRecord(NodeRecord):
    """Pilot: An organisation exploring power sharing, culturally or structurally (stage 4); what it changes is read from its dated links (rungs, seats, resources shared)."""

    stage: Stage | None = None


class PinboardItemRecord(NodeRecord):
    """Pinboard item: An article, report, podcast, video or toolkit on the Resource Pinboard: what the community is reading, listening to and watching."""

    date: datetime.date | None = None
    kind: PinboardKind | None = None
    publisher: str | None = None
    url: str


class PlaceRecord(NodeRecord):
    """Place: An area with an official code (ONS GSS: E05 wards, E09 London boroughs, E12 regions, E92 countries); places nest with psp:within."""

    code: str | None = None
    within: str | None = None


class PracticeExampleRecord(NodeRecord):
    """Practice example: An example of an organisation sharing power, somewhere (its location), from London or elsewhere."""

    date: datetime.date | None = None


class RecommendationRecord(NodeRecord):
    """Recommendation: What the project recommends, addressed to actors or decision spaces (stage 5)."""

    date: datetime.date | None = None
    stage: Stage | None = None


class ResourceRecord(NodeRecord):
    """Resource: Something that gives power to whoever controls it: money, decision seats, data, space, expertise, platforms, network access, volunteers."""

    amount: Decimal | None = Field(default=None, ge=0)
    currency: str = "GBP"
    kind: ResourceKind | None = None


class SourceRecord(NodeRecord):
    """Source: Where a fact comes from: a workshop, an interview, literature, a public record, a 360Giving grant or a web page."""

    content_hash: str | None = None
    date: datetime.date | None = None
    file_name: str | None = None
    kind: SourceKind | None = None
    licence: str | None = None
    loaded_at: datetime.date | None = None
    publisher: str | None = None
    url: str | None = None


class StoryRecord(NodeRecord):
    """Story: A change-maker's story, recorded only with the teller's consent and private by default."""

    consent_to_share: bool = False
    date: datetime.date | None = None
    stage: Stage | None = None


NODE_RECORDS: dict[str, type[NodeRecord]] = {
    "Actor": ActorRecord,
    "BurningIssue": BurningIssueRecord,
    "DecisionSpace": DecisionSpaceRecord,
    "Event": EventRecord,
    "Initiative": InitiativeRecord,
    "Insight": InsightRecord,
    "Issue": IssueRecord,
    "Pilot": PilotRecord,
    "PinboardItem": PinboardItemRecord,
    "Place": PlaceRecord,
    "PracticeExample": PracticeExampleRecord,
    "Recommendation": RecommendationRecord,
    "Resource": ResourceRecord,
    "Source": SourceRecord,
    "Story": StoryRecord,
}


class LinkRecord(BaseModel):
    """Attributes every link may carry."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, defer_build=True)

    id: str | None = None
    type: str
    source: str
    target: str
    confidence: Confidence | None = None
    illustrative: bool = False
    note: str | None = None
    power_form: PowerForm | None = None
    powercube_form: PowercubeForm | None = None
    sources: list[str] = Field(default_factory=list)
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


class AboutLink(LinkRecord):
    """about: Is about a topical issue or a burning issue."""


class AccountableToLink(LinkRecord):
    """accountable to: Must answer to another actor or a decision space."""


class AddressedToLink(LinkRecord):
    """addressed to: Who a recommendation asks to change: an actor or a decision space."""


class AffectedByLink(LinkRecord):
    """affected by: Is directly affected by an issue."""


class CampaignsOnLink(LinkRecord):
    """campaigns on: Campaigns for change on an issue."""


class ChangesLink(LinkRecord):
    """changes: Something a pilot changes: a decision space, a resource, an initiative or how it works with an actor (describe the change in the note)."""


class ControlsLink(LinkRecord):
    """controls: Holds and decides the use of a resource."""


class DecidesOnLink(LinkRecord):
    """decides on: Has formal authority to decide on an issue, a resource or an initiative."""

    issues: list[str] = Field(default_factory=list)


class DrawsOnLink(LinkRecord):
    """draws on: Builds on the work, tools or ideas of an initiative or a resource."""


class EmploysLink(LinkRecord):
    """employs: Employs a person."""


class EvidencedByLink(LinkRecord):
    """evidenced by: An insight or recommendation rests on an event, a source, a pinboard item, a story, a practice example or a pilot."""


class FundsLink(LinkRecord):
    """funds: Gives money to (a grant, a contract, a budget)."""

    amount: Decimal | None = Field(default=None, ge=0)
    amount_disbursed: Decimal | None = Field(default=None, ge=0)
    award_date: datetime.date | None = None
    classifications: list[str] = Field(default_factory=list)
    currency: str = "GBP"
    description: str | None = None
    issues: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    programme: str | None = None
    related_activity: list[str] = Field(default_factory=list)


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


class OrganisesLink(LinkRecord):
    """organises: Convenes or hosts an event."""


class ParticipatesInLink(LinkRecord):
    """participates in: Takes part in an initiative, e.g. a community of practice."""


class PartnersWithLink(LinkRecord):
    """partners with: Works together as partners (symmetric)."""

    issues: list[str] = Field(default_factory=list)


class PartOfLink(LinkRecord):
    """part of: Is part of a larger initiative, organisation or decision space."""


class PilotedByLink(LinkRecord):
    """piloted by: The organisation that explores power sharing in a pilot."""


class PinnedLink(LinkRecord):
    """pinned: Pinned an item on the Resource Pinboard, on a date."""

    date: datetime.date | None = None


class PractisedByLink(LinkRecord):
    """practised by: The organisation that shares power in a practice example."""


class RaisedAtLink(LinkRecord):
    """raised at: A burning issue, insight or story was raised at an event or in a source."""


class RepresentsLink(LinkRecord):
    """represents: Speaks for another actor."""


class SitsInLink(LinkRecord):
    """sits in: Holds a seat in a decision space."""

    seat_type: SeatType | None = None


class SupportsLink(LinkRecord):
    """supports: Gives support so that income is no barrier to taking part (paid time, expenses, equipment): a resource that flows to the people at an event or to a participant."""

    amount: Decimal | None = Field(default=None, ge=0)
    currency: str = "GBP"
    people: int | None = Field(default=None, ge=0)
    support_kind: SupportKind | None = None


class TakesPartInLink(LinkRecord):
    """takes part in: Takes part in an event, bringing lived experience, learnt experience or both. A person without recorded consent stays private."""

    experience: Experience | None = None


class ToldByLink(LinkRecord):
    """told by: Whose story it is."""


class WorksOnLink(LinkRecord):
    """works on: Works on an issue (services, research, policy)."""


LINK_RECORDS: dict[str, type[LinkRecord]] = {
    "ABOUT": AboutLink,
    "ACCOUNTABLE_TO": AccountableToLink,
    "ADDRESSED_TO": AddressedToLink,
    "AFFECTED_BY": AffectedByLink,
    "CAMPAIGNS_ON": CampaignsOnLink,
    "CHANGES": ChangesLink,
    "CONTROLS": ControlsLink,
    "DECIDES_ON": DecidesOnLink,
    "DRAWS_ON": DrawsOnLink,
    "EMPLOYS": EmploysLink,
    "EVIDENCED_BY": EvidencedByLink,
    "FUNDS": FundsLink,
    "HAS_LIVED_EXPERIENCE_OF": HasLivedExperienceOfLink,
    "HOSTS": HostsLink,
    "INFLUENCES": InfluencesLink,
    "INVOLVES": InvolvesLink,
    "LEADS": LeadsLink,
    "MEMBER_OF": MemberOfLink,
    "NEEDS": NeedsLink,
    "ORGANISES": OrganisesLink,
    "PARTICIPATES_IN": ParticipatesInLink,
    "PARTNERS_WITH": PartnersWithLink,
    "PART_OF": PartOfLink,
    "PILOTED_BY": PilotedByLink,
    "PINNED": PinnedLink,
    "PRACTISED_BY": PractisedByLink,
    "RAISED_AT": RaisedAtLink,
    "REPRESENTS": RepresentsLink,
    "SITS_IN": SitsInLink,
    "SUPPORTS": SupportsLink,
    "TAKES_PART_IN": TakesPartInLink,
    "TOLD_BY": ToldByLink,
    "WORKS_ON": WorksOnLink,
}
