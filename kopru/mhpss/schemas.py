from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class HeadcountIn(Schema):
    sex: str = Field(..., description="female, male or other")
    age_band: str = Field(..., description="0-4, 5-11, 12-17, 18-59 or 60+")
    disability: bool = False
    count: int


class ActivityIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    team_id: int
    kind: str = Field(..., description="A kind code of data/activities.json")
    at: datetime
    location_id: int
    layer: int | None = Field(None, description="IASC layer 1-4; empty: the kind's usual layer")
    topic: str = ""
    activity: str = ""
    occasion: str = ""
    findings: str = ""
    person_id: int | None = Field(None, description="Individual sessions")
    participant_ids: list[int] = []
    headcounts: list[HeadcountIn] = []
    headcount_total: int | None = None
    language: str = ""
    notes: str = ""


class ActivityOut(Schema):
    """Read from an Activity (with `participants_count` and `headcount_sum` annotated)."""

    id: int
    uid: UUID
    event_id: int
    team_id: int
    kind: str
    layer: int
    topic: str
    activity: str
    occasion: str
    at: datetime
    location_id: int
    participants: int
    headcount: int

    @staticmethod
    def resolve_uid(obj):
        return obj.event.uid

    @staticmethod
    def resolve_at(obj):
        return obj.event.at

    @staticmethod
    def resolve_location_id(obj):
        return obj.event.location_id

    @staticmethod
    def resolve_participants(obj):
        return 1 if obj.event.person_id else obj.participants_count

    @staticmethod
    def resolve_headcount(obj):
        return obj.headcount_sum or 0


class MeasureIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    person_id: int
    instrument: str = Field(..., description="phq9, gad7, who5, k10 or k6")
    answers: dict[int, int] = Field(..., description="Item number to the answer's value")
    language: str = Field(..., description="The language the person was asked in")
    phase: str = Field(..., description="pre, during or post")
    at: datetime
    location_id: int
    programme_id: int | None = None


class MeasureOut(Schema):
    id: int
    uid: UUID
    person_id: int
    instrument: str
    total: int
    band: str
    phase: str
    at: datetime
    safety_alert_id: int | None = Field(
        None, description="Set when an answer needs action today: the supervisor is told"
    )
