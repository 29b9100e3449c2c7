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
