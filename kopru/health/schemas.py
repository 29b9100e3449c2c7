from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class AssessmentSummaryOut(Schema):
    id: int
    number: str
    destination: str = Field(..., description="ISO 3166-1 alpha-3")
    protocol: str
    status: str
    travel_status: str = Field(..., description="What any role that sees the person may know")


class ChecklistItemOut(Schema):
    component: str
    name: str
    required: bool | None
    status: str = Field(..., description="done, pending, overdue, not_applicable, waived, unknown")
    reason: str
    confirmed: bool
    evidence: list[str]


class AssessmentOut(AssessmentSummaryOut):
    protocol_version: str
    programme: str
    tb_class: str
    fitness: str
    exam_on: date | None
    departure_at: datetime | None
    checklist: list[ChecklistItemOut]
    blockers: list[str]


class DiagnosisIn(Schema):
    code: str = Field(..., description="ICD-10 code from GET /health/icd10")
    certainty: str = "confirmed"
    primary: bool = False


class PrescriptionIn(Schema):
    medicine: str
    dose: str
    frequency: str = ""
    duration_days: int | None = None
    quantity: int | None = None
    dispensed: bool = False


class ConsultationIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    person_id: int
    kind: str = Field(..., description="chronic, srh, immunization, mhpss, nutrition, counselling")
    at: datetime
    location_id: int
    reason: str
    history: str = ""
    examination: str = ""
    assessment: str = ""
    plan: str = ""
    follow_up_on: date | None = None
    vitals: dict[str, Decimal | None] = Field(
        {},
        description="temperature_c, pulse, respiratory_rate, systolic, diastolic, spo2, "
        "weight_kg, height_cm, muac_mm",
    )
    overrides: dict[str, str] = Field({}, description="Why an unusual value is right, per field")
    lying: bool | None = None
    oedema: bool | None = None
    pregnant: bool | None = None
    diagnoses: list[DiagnosisIn] = []
    prescriptions: list[PrescriptionIn] = []


class ConsultationOut(Schema):
    id: int
    uid: UUID
    event_id: int
    kind: str
    at: datetime
    diagnoses: list[str]
    whz: Decimal | None
    nutrition_status: str


class ImmunizationIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    person_id: int
    cvx: str
    given_on: date
    source: str = Field(..., description="given_here, card or record")
    dose_number: int | None = None
    lot: str = ""
    body_site: str = ""
    location_id: int | None = None
    override_reason: str = ""


class ImmunizationOut(Schema):
    id: int
    uid: UUID
    cvx: str
    given_on: date
    source: str
    dose_number: int | None
    lot: str
    event_id: int | None


class ForecastOut(Schema):
    series: str
    dose: int
    status: str
    due_on: date | None
    given_on: date | None
    confirmed: bool


class VaccinationRecordOut(Schema):
    doses: list[ImmunizationOut]
    schedule: str | None
    forecast: list[ForecastOut]


class CodeOut(Schema):
    code: str
    title: str


class CaseIn(Schema):
    uid: UUID | None = Field(None, description="Client-made UUID; sending it again is a no-op.")
    person_id: int
    protocol: str = Field(..., description="us, ca, au, nz or uk")
    programme: str = Field(..., description="refugee or immigrant")
    location_id: int
    pregnant: bool | None = None
    departure_at: datetime | None = None


class ComponentIn(Schema):
    component: str
    done_on: date
    outcome: str = ""
    waived_reason: str = ""


class OrderIn(Schema):
    test: str = Field(..., description="LOINC code")
    partner_id: int | None = None
    specimens: int = 1
    pre_counselling: str = ""


class OrderOut(Schema):
    id: int
    number: str
    test: str
    specimen: int
    status: str


class ResultIn(Schema):
    interpretation: str = ""
    value: Decimal | None = None
    unit: str = ""
    reading: str = ""
    collected_on: date | None = None


class TbIn(Schema):
    tb_class: str
    detail: str = ""
    reason: str = ""


class FitnessIn(Schema):
    fitness: str
    conditions: str = ""


class TravelIn(Schema):
    departure_at: datetime | None = None
    needs: list[str] = []
    escort_id: int | None = None
    notes: str = ""


class PecIn(Schema):
    at: datetime
    fit: bool
    findings: str = ""
