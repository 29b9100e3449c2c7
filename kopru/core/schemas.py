from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class MissionOut(Schema):
    id: int
    code: str
    name: str
    country: str
    timezone: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str | None
    mission: MissionOut | None
    missions: list[MissionOut]
    categories: list[str]
    capabilities: list[str]


class LocationOut(Schema):
    id: int
    uid: UUID
    level: str
    name: str
    pcode: str
    iso_code: str
    site_type: str
    parent_id: int | None
    active: bool


class SiteIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    parent_id: int = Field(..., description="The district the site is in.")
    name: str = Field(..., min_length=1, max_length=150)
    site_type: str


class TeamOut(Schema):
    id: int
    uid: UUID
    name: str
    base_id: int | None
    location_ids: list[int]
    member_ids: list[int]
    active: bool


class RoleOut(Schema):
    slug: str
    name: str
    mission_wide: bool
    categories: list[str]
    capabilities: list[str]
    require_otp: bool


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str | None
    is_active: bool


class TargetSchema(Schema):
    indicator: str
    target: int = Field(..., ge=0)
    unit: str = "people"


class ProjectOut(Schema):
    id: int
    uid: UUID
    code: str
    name: str
    donor: str
    grant_code: str
    start_date: date
    end_date: date
    province_ids: list[int]
    targets: list[TargetSchema]
    active: bool


class ProjectIn(Schema):
    uid: UUID | None = None
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    donor: str = Field(..., min_length=1, description="Donor name; created if new.")
    grant_code: str = ""
    start_date: date
    end_date: date
    province_ids: list[int] = []
    targets: list[TargetSchema] = []


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    active: bool


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_at: datetime | None = None


class NewTokenOut(TokenOut):
    token: str = Field(..., description="Shown once; store it now.")


class AuditOut(Schema):
    seq: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    category: str
    ip_address: str | None
