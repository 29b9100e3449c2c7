from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class HeadcountSchema(Schema):
    sex: str = Field(..., description="female, male or other")
    age_band: str = Field(..., description="0-4, 5-11, 12-17, 18-59 or 60+")
    disability: bool = False
    count: int


class ShareSchema(Schema):
    project_id: int
    share: int = Field(100, description="Per cent; the shares of one event add up to 100")


class ServiceEventIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    service_type: str = Field(..., description="Code from GET /services/catalogue")
    person_id: int | None = None
    household_id: int | None = None
    participant_ids: list[int] = []
    headcounts: list[HeadcountSchema] = []
    headcount_total: int | None = None
    at: datetime
    location_id: int
    team_id: int | None = None
    staff_id: int | None = None
    modality: str = Field(..., description="centre, mobile, remote or home_visit")
    language: str = ""
    interpreter: str = ""
    notes: str = ""
    projects: list[ShareSchema] = []


class ServiceEventOut(Schema):
    id: int
    uid: UUID
    shown: bool = Field(..., description="False: your role may know it happened, not what it was")
    service_type: str | None
    sector: str | None
    unit: str | None
    subject: str
    person_id: int | None
    household_id: int | None
    at: datetime
    location_id: int
    modality: str | None
    category: str
    participants: int
    headcount_total: int | None
    notes: str | None


class ServiceTypeOut(Schema):
    code: str
    name: str
    sub_sector: str
    sector: str
    unit: str
    subjects: list[str]
    category: str


class ProviderOut(Schema):
    id: int
    name: str
    kind: str
    internal: bool
    location_id: int
    address: str
    phone: str
    email: str
    languages: list[str]
    offers: list[str]
    eligibility: str
    hours: str


class ReferralIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    person_id: int
    provider_id: int
    service_type: str | None = Field(None, description="Code of the service requested")
    from_event_id: int | None = None
    reason: str
    urgency: str = Field(..., description="routine, urgent or emergency")


class ReferralUpdateOut(Schema):
    status: str
    at: datetime
    by: str
    channel: str
    feedback: str


class ReferralOut(Schema):
    id: int
    uid: UUID
    number: str
    shown: bool = Field(..., description="False: your role may know of it, not its detail")
    person_id: int
    provider_id: int | None
    service_type: str | None
    reason: str | None
    urgency: str
    status: str
    due: datetime
    overdue: bool
    created_at: datetime
    updates: list[ReferralUpdateOut]


class MoveIn(Schema):
    status: str = Field(..., description="accepted, declined, in_progress, completed or closed")
    feedback: str = ""
    by_name: str = Field("", description="Who answered at the provider, when recorded for them")


class AppointmentIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    person_id: int
    site_id: int
    service_type: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None = None
    staff_id: int | None = Field(None, description="The staff member the person will see")
    language: str = Field("", description="ISO 639-3 code of the interpreting language")
    interpreter_id: int | None = None
    notes: str = ""


class AppointmentOut(Schema):
    id: int
    uid: UUID
    person_id: int
    site_id: int
    room_id: int | None
    service_type: str | None
    starts_at: datetime
    ends_at: datetime
    language: str
    interpreter_id: int | None
    status: str


class StatusIn(Schema):
    status: str = Field(..., description="attended, missed or cancelled")


class InterpreterOut(Schema):
    id: int
    name: str
    languages: list[str]


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    shown: bool
    title: str
    detail: str
    status: str
