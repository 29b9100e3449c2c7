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
