from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class CaseOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    risk: str
    person_id: int
    person_name: str = Field(..., description="Withheld for gender-based violence cases")
    person_reference: str
    caseworker: str
    team_id: int
    location_id: int
    opened_at: datetime
    next_follow_up: date | None


class ApprovalOut(Schema):
    id: int
    case_id: int
    case_number: str
    kind: str
    requested_by: str
    requested_at: datetime
    amount: Decimal | None = Field(None, description="Funded needs: the amount in TRY")
    category: str = ""
