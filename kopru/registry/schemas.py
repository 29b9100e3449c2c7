from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class DocumentSchema(Schema):
    kind: str
    number: str
    issuing_country: str = ""
    issued_on: date | None = None
    expires_on: date | None = None


class PhoneSchema(Schema):
    number: str = Field(..., description="Any format; stored as E.164 (Türkiye by default)")
    label: str = ""


class PersonIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    given_name: str = ""
    family_name: str = ""
    father_name: str = ""
    mother_name: str = ""
    given_name_original: str = ""
    family_name_original: str = ""
    father_name_original: str = ""
    mother_name_original: str = ""
    sex: str
    birth_date: date | None = None
    birth_date_precision: str = "exact"
    nationality: str = ""
    birth_country: str = ""
    birth_place: str = ""
    languages: list[str] = []
    interpreter_language: str = ""
    population_group: str
    location_id: int = Field(..., description="District or site of residence")
    neighbourhood: str = ""
    address: str = ""
    wg_seeing: int | None = Field(None, ge=1, le=4)
    wg_hearing: int | None = Field(None, ge=1, le=4)
    wg_mobility: int | None = Field(None, ge=1, le=4)
    wg_cognition: int | None = Field(None, ge=1, le=4)
    wg_self_care: int | None = Field(None, ge=1, le=4)
    wg_communication: int | None = Field(None, ge=1, le=4)
    vulnerabilities: list[str] = []
    documents: list[DocumentSchema] = []
    phones: list[PhoneSchema] = []


class PersonOut(Schema):
    id: int
    uid: UUID
    reference: str
    given_name: str
    family_name: str
    father_name: str
    mother_name: str
    given_name_original: str
    family_name_original: str
    father_name_original: str
    mother_name_original: str
    sex: str
    birth_date: date | None
    birth_date_precision: str
    nationality: str
    birth_country: str
    birth_place: str
    languages: list[str]
    interpreter_language: str
    population_group: str
    location_id: int
    neighbourhood: str
    address: str
    wg_seeing: int | None
    wg_hearing: int | None
    wg_mobility: int | None
    wg_cognition: int | None
    wg_self_care: int | None
    wg_communication: int | None
    has_disability: bool
    vulnerabilities: list[str]
    documents: list[DocumentSchema]
    phones: list[str]
    registered_at: datetime


class ConsentIn(Schema):
    uid: UUID | None = None
    purpose: str
    decision: str
    language: str = Field(..., description="Language of the consent text read or shown")
    recipient: str = ""
    interpreter: str = ""
    guardian_reference: str = ""
    guardian_name: str = ""
    guardian_relationship: str = ""


class ConsentOut(Schema):
    uid: UUID
    purpose: str
    recipient: str
    decision: str
    at: datetime
    language: str
    text_version: str
    interpreter: str
    guardian_name: str
    guardian_relationship: str


class DraftIn(Schema):
    """What is known so far of a registration being typed; every field may be empty."""

    given_name: str = ""
    family_name: str = ""
    father_name: str = ""
    mother_name: str = ""
    given_name_original: str = ""
    family_name_original: str = ""
    father_name_original: str = ""
    mother_name_original: str = ""
    sex: str = ""
    birth_date: date | None = None
    birth_date_precision: str = "exact"
    nationality: str = ""
    documents: list[DocumentSchema] = []
    phones: list[str] = []
    exclude_id: int | None = Field(None, description="The person being edited, if any")


class MatchPart(Schema):
    field: str
    level: str
    weight: float = Field(..., description="Log-likelihood weight: above 0 agrees")


class MatchOut(Schema):
    id: int | None = Field(None, description="Null when the record is outside your locations")
    reference: str
    probability: float
    visible: bool
    given_name: str = ""
    family_name: str = ""
    birth_date: date | None = None
    parts: list[MatchPart]


class MembershipOut(Schema):
    id: int
    person_id: int
    reference: str
    relationship: str
    start_date: date
    end_date: date | None
    end_reason: str


class HouseholdIn(Schema):
    uid: UUID | None = None
    head_id: int
    location_id: int
    neighbourhood: str = ""
    address: str = ""


class HouseholdOut(Schema):
    id: int
    uid: UUID
    reference: str
    location_id: int
    neighbourhood: str
    address: str
    size: int
    members: list[MembershipOut] = Field(..., description="Current members, then past ones")


class MemberIn(Schema):
    person_id: int
    relationship: str


class EndIn(Schema):
    reason: str


class CandidateOut(Schema):
    id: int
    person_a_id: int
    person_b_id: int
    score: float
    status: str
    parts: list[MatchPart]


class DecisionIn(Schema):
    decision: str = Field(..., description="merge or not_same")
    survivor_id: int | None = Field(None, description="For a merge: the record that stays")


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    merged_at: datetime
    undone_at: datetime | None
