"""A person's International Patient Summary (HL7 FHIR IPS on FHIR R4): a document Bundle whose
Composition lists problems, allergies, medicines, vaccinations, results and the latest vital
signs, for the clinician who sees the person next (after arrival, or at another organisation).

Every resource is built with the fhir.resources R4B classes, so a summary that would not
validate fails here rather than at the receiving end."""

import html
import json
import uuid
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from django.db.models import F
from django.utils import timezone, translation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.composition import Composition, CompositionSection
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.immunization import Immunization
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner

from kopru.core.models import Sensitivity
from kopru.registry.models import DatePrecision

from . import codes, protocols
from .models import Encounter, Investigation, TbClass
from .models import Immunization as Dose

LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"  # the few US codes the list carries (R76.1x)
CVX = "http://hl7.org/fhir/sid/cvx"
UCUM = "http://unitsofmeasure.org"
HL7 = "http://terminology.hl7.org/CodeSystem/"
XHTML = "http://www.w3.org/1999/xhtml"

# "other" in Kopru also means "not stated", so it cannot honestly be FHIR "other".
GENDER = {"female": "female", "male": "male"}

# The classes that are a condition of the person; only latent TB has a code that fits for
# sure, the others travel as the class in words rather than as a guessed A15-A19 code.
TB_CLASSES = {TbClass.A, TbClass.B0, TbClass.B1_PULMONARY, TbClass.B1_EXTRAPULMONARY, TbClass.B2}
TB_CONFIRMED = {TbClass.A, TbClass.B2}  # A is smear or culture positive; B2 a positive test

INTERPRETATION = {  # v3 ObservationInterpretation
    "positive": ("POS", "Positive"),
    "negative": ("NEG", "Negative"),
    "indeterminate": ("IND", "Indeterminate"),
    "normal": ("N", "Normal"),
    "abnormal": ("A", "Abnormal"),
    "suggestive": ("A", "Abnormal"),
}
UCUM_UNITS = {"mm", "g/dL", "g/L", "mg/dL", "mmol/L", "%", "/uL", "[IU]/mL", "IU/mL"}

VITALS = [  # Encounter field, LOINC codes and display, UCUM code, unit as printed
    ("weight_kg", [("29463-7", "Body weight")], "kg", "kg"),
    ("height_cm", [("8302-2", "Body height")], "cm", "cm"),
    ("temperature_c", [("8310-5", "Body temperature")], "Cel", "°C"),
    ("pulse", [("8867-4", "Heart rate")], "/min", "/min"),
    ("respiratory_rate", [("9279-1", "Respiratory rate")], "/min", "/min"),
    (
        "spo2",
        [
            ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
            ("2708-6", "Oxygen saturation in Arterial blood"),
        ],
        "%",
        "%",
    ),
]
BLOOD_PRESSURE = [
    ("systolic", "8480-6", "Systolic blood pressure"),
    ("diastolic", "8462-4", "Diastolic blood pressure"),
]


def build(person, *, case=None, author=None, now=None, include_mental_health=False) -> dict:
    """The person's IPS as a JSON-ready dict (a FHIR Bundle of type document).

    Does NOT check consent, scope or audit: the caller (disclosures.py) decides whether the
    summary may leave and records that it did. Mental-health consultations (their diagnoses,
    medicines and vital signs) are left out unless `include_mental_health` is chosen. The TB
    class comes from `case`, or from the person's latest classified case."""
    if case is not None and case.person_id != person.pk:
        raise ValueError("The assessment case belongs to another person.")
    now = now or timezone.now()
    categories = [Sensitivity.GENERAL, Sensitivity.HEALTH]
    if include_mental_health:
        categories.append(Sensitivity.MENTAL_HEALTH)
    encounters = list(
        Encounter.objects.filter(person=person, category__in=categories).prefetch_related(
            "diagnoses", "prescriptions"
        )
    )  # newest first
    doc = _Document()
    with translation.override("en"):
        patient = doc.add(_patient(person))
        organisation = doc.add(Organization(name=f"IOM {person.mission.name}"))
        authors = [organisation]
        if author is not None:
            authors.append(doc.add(_practitioner(author)))
        sections = [
            doc.section(
                "Problems",
                "11450-4",
                "Problem list - Reported",
                _conditions(encounters, _tb_case(person, case), patient),
                empty="No problems recorded in Kopru",
            ),
            doc.section(
                "Allergies and intolerances",
                "48765-2",
                "Allergies and adverse reactions Document",
                [],  # Kopru does not record allergies
                empty="No information about allergies",
            ),
            doc.section(
                "Medications",
                "10160-0",
                "History of Medication use Narrative",
                _medication_statements(encounters, patient, now),
                empty="No medicines prescribed in Kopru; other medicines not known",
            ),
            doc.section(
                "Immunizations",
                "11369-6",
                "History of Immunization Narrative",
                _immunizations(person, patient),
            ),
            doc.section(
                "Results",
                "30954-2",
                "Relevant diagnostic tests/laboratory data Narrative",
                _results(person, patient),
            ),
            doc.section("Vital signs", "8716-3", "Vital signs", _vital_signs(encounters, patient)),
        ]
    composition = Composition(
        status="final",
        type=_concept(LOINC, "60591-5", "Patient summary Document"),
        subject=patient,
        date=now,
        author=authors,
        custodian=organisation,
        title="International Patient Summary",
        section=[s for s in sections if s is not None],
    )
    doc.add(composition, first=True)
    bundle = Bundle(
        identifier={"system": "urn:kopru:ips", "value": str(uuid.uuid4())},
        type="document",
        timestamp=now,
        entry=doc.entries,
    )
    return bundle.model_dump(mode="json", exclude_none=True)


def immunization_bundle(person) -> dict:
    """The person's vaccination record alone, as a FHIR Bundle of type collection (Patient and
    Immunizations): what the vaccination card's QR code carries. Ids are short and stable so
    the code stays small."""
    patient = _patient(person)
    patient.id = "p"
    entries = [BundleEntry(fullUrl="urn:uuid:p", resource=patient)]
    for n, (immunization, _line) in enumerate(_immunizations(person, {"reference": "urn:uuid:p"})):
        immunization.id = f"i{n}"
        entries.append(BundleEntry(fullUrl=f"urn:uuid:i{n}", resource=immunization))
    bundle = Bundle(type="collection", entry=entries)
    return bundle.model_dump(mode="json", exclude_none=True)


class _Document:
    """The bundle's entries; every resource is named by a fresh urn:uuid that the composition
    and the other resources refer to."""

    def __init__(self):
        self.entries = []

    def add(self, resource, first=False) -> dict:
        resource.id = str(uuid.uuid4())
        entry = BundleEntry(fullUrl=f"urn:uuid:{resource.id}", resource=resource)
        self.entries.insert(0 if first else len(self.entries), entry)
        return {"reference": entry.fullUrl}

    def section(self, title, loinc, display, items, empty=None):
        """A section over (resource, line) items, with the lines as its narrative. Without
        items a required section says why (`empty`); an optional one is left out."""
        if not items and empty is None:
            return None
        # "unavailable": Kopru does not hold it, which is not the same as "none known".
        unavailable = _concept(HL7 + "list-empty-reason", "unavailable", "Unavailable")
        return CompositionSection(
            title=title,
            code=_concept(LOINC, loinc, display),
            text=_narrative([line for _resource, line in items] or [empty]),
            entry=[self.add(resource) for resource, _line in items] or None,
            emptyReason=None if items else unavailable,
        )


def _patient(person):
    # Minimum necessary: no address, phone, documents or nationality.
    names = [_name(person.family_name, person.given_name, "official")]
    if person.given_name_original or person.family_name_original:
        # The name as the person writes it, in its own script.
        names.append(_name(person.family_name_original, person.given_name_original, "usual"))
    return Patient(
        identifier=[{"system": "urn:kopru:person", "value": person.reference}],
        name=names,
        gender=GENDER.get(person.sex, "unknown"),
        birthDate=_birth_date(person),
    )


def _name(family, given, use):
    name = {"use": use, "text": f"{given} {family}".strip()}
    if family:
        name["family"] = family
    if given:
        name["given"] = [given]
    return name


def _birth_date(person):
    """FHIR's partial dates say how much of the date is known; an estimated date keeps only
    its year, so a guess is not passed on as a fact."""
    born = person.birth_date
    if born is None:
        return None
    if person.birth_date_precision == DatePrecision.EXACT:
        return born.isoformat()
    if person.birth_date_precision == DatePrecision.MONTH:
        return born.strftime("%Y-%m")
    return f"{born.year:04d}"


def _practitioner(user):
    name = {"text": user.get_full_name() or user.get_username()}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    return Practitioner(name=[name])


def _tb_case(person, case):
    if case is None:
        case = (
            person.assessments.filter(tb_class__in=TB_CLASSES)
            .order_by(F("tb_classified_at").desc(nulls_last=True), "-opened_at")
            .first()
        )
    return case if case is not None and case.tb_class in TB_CLASSES else None


def _conditions(encounters, tb_case, patient):
    """One Condition per ICD-10 code: a problem list, not a visit log. The newest diagnosis
    of a code stands, as it is the latest clinical opinion."""
    latest = {}
    for encounter in encounters:  # newest first
        for diagnosis in encounter.diagnoses.all():
            latest.setdefault(diagnosis.code, (diagnosis, encounter))
    items = []
    for diagnosis, encounter in latest.values():
        title = codes.title(diagnosis.code, "en")
        condition = Condition(
            clinicalStatus=_concept(HL7 + "condition-clinical", "active", "Active"),
            verificationStatus=_concept(
                HL7 + "condition-ver-status", diagnosis.certainty, diagnosis.certainty.title()
            ),
            category=[_problem_list_item()],
            code={**_concept(_icd10_system(diagnosis.code), diagnosis.code, title), "text": title},
            subject=patient,
            recordedDate=encounter.at,
        )
        line = f"{diagnosis.code} {title} ({diagnosis.get_certainty_display().lower()}), "
        items.append((condition, f"{line}{timezone.localdate(encounter.at)}"))
    if tb_case is not None:
        items.append(_tb_condition(tb_case, patient))
    return items


def _icd10_system(code):
    row = codes.icd10().get(code) or {}
    return ICD10_CM if row.get("system") == "CM" else ICD10


def _tb_condition(case, patient):
    label = str(TbClass(case.tb_class).label)
    code = {"text": label}
    if case.tb_class == TbClass.B2:
        code["coding"] = [{"system": ICD10, "code": "Z22.7", "display": "Latent tuberculosis"}]
    confirmed = _concept(HL7 + "condition-ver-status", "confirmed", "Confirmed")
    condition = Condition(
        clinicalStatus=_concept(HL7 + "condition-clinical", "active", "Active"),
        verificationStatus=confirmed if case.tb_class in TB_CONFIRMED else None,
        category=[_problem_list_item()],
        code=code,
        subject=patient,
        recordedDate=case.tb_classified_at or case.exam_on,
        note=[{"text": f"TB class {case.tb_class}: {case.tb_detail}"}] if case.tb_detail else None,
    )
    detail = f" ({case.tb_detail})" if case.tb_detail else ""
    return condition, f"{label}{detail}"


def _medication_statements(encounters, patient, now):
    items = []
    for encounter in encounters:
        start = timezone.localdate(encounter.at)
        for rx in encounter.prescriptions.all():
            period = {"start": start.isoformat()}
            if rx.duration_days:
                end = start + timedelta(days=rx.duration_days)
                period["end"] = end.isoformat()
                status = "completed" if end < timezone.localdate(now) else "active"
            else:
                status = "unknown"  # no duration: whether it is still taken is not known
            dosage = ", ".join(filter(None, [rx.dose, rx.frequency]))
            if rx.duration_days:
                dosage += f", for {rx.duration_days} days"
            statement = MedicationStatement(
                status=status,
                medicationCodeableConcept={"text": rx.medicine},
                subject=patient,
                effectivePeriod=period,
                dosage=[{"text": dosage}] if dosage else None,
            )
            items.append((statement, f"{rx.medicine}: {dosage} (from {start}, {status})"))
    return items


def _immunizations(person, patient):
    items = []
    for dose in Dose.objects.filter(person=person):
        name = _vaccine_name(dose.cvx)
        given_here = dose.source == Dose.Source.GIVEN_HERE
        immunization = Immunization(
            status="completed",
            vaccineCode={"coding": [_coding(CVX, dose.cvx, name)]},
            patient=patient,
            occurrenceDateTime=dose.given_on.isoformat(),
            primarySource=given_here,
            # Copied from paper: the receiving clinician should know it was not seen given.
            reportOrigin=None if given_here else _report_origin(dose),
            lotNumber=dose.lot or None,
            protocolApplied=(
                [{"doseNumberPositiveInt": dose.dose_number}] if dose.dose_number else None
            ),
        )
        lot = f", lot {dose.lot}" if dose.lot else ""
        items.append((immunization, f"{name} (CVX {dose.cvx}), {dose.given_on}{lot}"))
    return items


def _report_origin(dose):
    text = "vaccination card" if dose.source == Dose.Source.CARD else "other record"
    return {
        "coding": [_coding(HL7 + "immunization-origin", "record", "Written Record")],
        "text": text,
    }


@lru_cache(maxsize=1)
def _vaccines():
    path = Path(__file__).resolve().parent / "data" / "cvx.json"
    vaccines = json.loads(path.read_text(encoding="utf-8"))["vaccines"]
    return {v["cvx"]: v["names"]["en"] for v in vaccines}


def _vaccine_name(cvx):
    return _vaccines().get(cvx, f"CVX {cvx}")


def _results(person, patient):
    items = []
    tests = protocols.tests()
    resulted = Investigation.objects.filter(person=person, status=Investigation.Status.RESULTED)
    for inv in resulted:
        name = protocols.test_name(inv.test)
        kind = "imaging" if tests.get(inv.test, {}).get("kind") == "imaging" else "laboratory"
        label = inv.get_interpretation_display() if inv.interpretation else ""
        value, shown = _result_value(inv, kind, label)
        observation = Observation(
            status="final",
            category=[_concept(HL7 + "observation-category", kind, kind.title())],
            code={**_concept(LOINC, inv.test, name), "text": name},
            subject=patient,
            effectiveDateTime=inv.collected_on or inv.resulted_at or inv.ordered_at,
            issued=inv.resulted_at,
            interpretation=_interpretation(inv.interpretation, label),
            # A lab's written report goes with its coded result rather than being lost.
            note=[{"text": inv.reading}] if inv.reading and "valueString" not in value else None,
            **value,
        )
        if label and label != shown:
            shown = f"{shown}, {label}" if shown else label
        day = inv.collected_on or timezone.localdate(inv.resulted_at or inv.ordered_at)
        items.append((observation, f"{name}: {shown or 'see report'} ({day})"))
    return items


def _result_value(inv, kind, label):
    """The value[x] of an investigation's Observation, and the value as the narrative shows
    it: the measurement, else an image's reading, else the qualitative result."""
    if inv.value is not None:
        quantity = {"value": inv.value, "unit": inv.unit or None}
        if inv.unit in UCUM_UNITS:
            quantity.update(system=UCUM, code=inv.unit)
        return {"valueQuantity": quantity}, f"{inv.value} {inv.unit}".strip()
    if kind == "imaging" and inv.reading:
        return {"valueString": inv.reading}, inv.reading
    if label:
        return {"valueCodeableConcept": {"text": label}}, label
    return {}, ""


def _interpretation(interpretation, label):
    if not interpretation:
        return None
    code, display = INTERPRETATION[interpretation]
    system = HL7 + "v3-ObservationInterpretation"
    return [{"coding": [_coding(system, code, display)], "text": label}]


def _vital_signs(encounters, patient):
    """The latest consultation's measurements: older ones describe a person who has changed."""
    fields = [f for f, *_rest in VITALS] + [f for f, *_rest in BLOOD_PRESSURE]
    encounter = next(
        (e for e in encounters if any(getattr(e, f) is not None for f in fields)), None
    )
    if encounter is None:
        return []
    day = timezone.localdate(encounter.at)
    items = []
    for field, loincs, ucum, printed in VITALS:
        value = getattr(encounter, field)
        if value is None:
            continue
        observation = _vital(
            loincs, encounter, patient, valueQuantity=_quantity(value, ucum, printed)
        )
        items.append((observation, f"{loincs[0][1]}: {value} {printed} ({day})"))
    components = [
        {"code": _concept(LOINC, loinc, display), "valueQuantity": _quantity(value, "mm[Hg]")}
        for field, loinc, display in BLOOD_PRESSURE
        if (value := getattr(encounter, field)) is not None
    ]
    if components:
        panel = [("85354-9", "Blood pressure panel with all children optional")]
        observation = _vital(panel, encounter, patient, component=components)
        reading = "/".join(str(getattr(encounter, f) or "-") for f, *_rest in BLOOD_PRESSURE)
        items.append((observation, f"Blood pressure: {reading} mmHg ({day})"))
    return items


def _vital(loincs, encounter, patient, **value):
    return Observation(
        status="final",
        category=[_concept(HL7 + "observation-category", "vital-signs", "Vital Signs")],
        code={"coding": [_coding(LOINC, c, d) for c, d in loincs], "text": loincs[0][1]},
        subject=patient,
        effectiveDateTime=encounter.at,
        **value,
    )


def _quantity(value, ucum, printed=None):
    return {"value": value, "unit": printed or ucum, "system": UCUM, "code": ucum}


def _problem_list_item():
    return _concept(HL7 + "condition-category", "problem-list-item", "Problem List Item")


def _coding(system, code, display):
    return {"system": system, "code": code, "display": display}


def _concept(system, code, display):
    return {"coding": [_coding(system, code, display)]}


def _narrative(lines):
    items = "".join(f"<li>{html.escape(str(line))}</li>" for line in lines)
    return {"status": "generated", "div": f'<div xmlns="{XHTML}"><ul>{items}</ul></div>'}
