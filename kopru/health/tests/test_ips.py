"""The International Patient Summary: a valid FHIR R4 document, only the person's own records,
mental health only when chosen, and no more about the person than the summary needs."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.health import codes, ips
from kopru.health.models import (
    AssessmentCase,
    Diagnosis,
    Encounter,
    Immunization,
    Investigation,
    Prescription,
)
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person as new_person
from kopru.services import services as ledger
from kopru.services.models import ServiceType

pytestmark = pytest.mark.django_db

IPS_TYPE = "60591-5"
PROBLEMS, ALLERGIES, MEDICATIONS = "11450-4", "48765-2", "10160-0"
IMMUNIZATIONS, RESULTS, VITAL_SIGNS = "11369-6", "30954-2", "8716-3"
IGRA = "71773-6"


@pytest.fixture
def fatma(dr_ayse, fatih_clinic):
    return registry.register_person(
        dr_ayse,
        new_person(
            fatih_clinic,
            given_name="Fatma",
            family_name="Hasan",
            given_name_original="فاطمة",
            family_name_original="حسن",
            sex="female",
            birth_date=date(1985, 6, 15),
            birth_date_precision="year",
            address="Kuşhane Sokak 4",
        ),
        phones=[{"number": "0532 123 45 67", "label": "own"}],
    )


def consult(doctor, who, place, *, service="chronic_disease_consultation", days_ago=1, **fields):
    at = timezone.now() - timedelta(days=days_ago)
    service_type = ServiceType.objects.get(mission=who.mission, code=service)
    event = ledger.record_service(
        doctor,
        who.mission,
        service_type=service_type,
        person=who,
        at=at,
        location=place,
        modality="centre",
    )
    return Encounter.objects.create(
        mission=who.mission,
        person=who,
        event=event,
        kind="mhpss" if service == "mhpss_consultation" else "chronic",
        category=service_type.category,
        at=at,
        location=place,
        clinician=doctor,
        reason="Follow-up",
        recorded_by=doctor,
        **fields,
    )


def investigation(doctor, who, test, number, **fields):
    return Investigation.objects.create(
        mission=who.mission,
        number=number,
        person=who,
        test=test,
        ordered_at=timezone.now() - timedelta(days=10),
        ordered_by=doctor,
        **fields,
    )


def dose(doctor, who, cvx, **fields):
    return Immunization.objects.create(
        mission=who.mission,
        person=who,
        cvx=cvx,
        recorded_by=doctor,
        **{"given_on": date(2024, 3, 1), "source": "given_here", **fields},
    )


def tb_case(doctor, who, place, tb_class, number="C-0001"):
    return AssessmentCase.objects.create(
        mission=who.mission,
        number=number,
        person=who,
        destination="USA",
        programme="refugee",
        protocol="us_cdc",
        protocol_version="2024",
        location=place,
        opened_by=doctor,
        opened_at=timezone.now(),
        tb_class=tb_class,
        tb_classified_at=timezone.now(),
    )


@pytest.fixture
def record(dr_ayse, fatma, fatih_clinic):
    """Fatma's record: a consultation with vitals, diagnoses and a medicine; vaccinations; an
    IGRA result, a pending test, and a B2 TB class."""
    visit = consult(
        dr_ayse,
        fatma,
        fatih_clinic,
        temperature_c="37.2",
        pulse=88,
        systolic=150,
        diastolic=95,
        weight_kg="71.50",
        spo2=97,
    )
    Diagnosis.objects.create(encounter=visit, code="I10", primary=True)
    Diagnosis.objects.create(encounter=visit, code="E11.9", certainty="provisional")
    Prescription.objects.create(
        encounter=visit, medicine="Amlodipine 5 mg", dose="1 tablet", frequency="daily"
    )
    dose(dr_ayse, fatma, "113", lot="TD-4471", dose_number=1)
    dose(dr_ayse, fatma, "03", source="card", given_on=date(1986, 9, 1))
    investigation(
        dr_ayse,
        fatma,
        IGRA,
        "LAB-1",
        status="resulted",
        interpretation="positive",
        collected_on=date.today() - timedelta(days=8),
        resulted_at=timezone.now() - timedelta(days=6),
    )
    investigation(dr_ayse, fatma, "20507-0", "LAB-2")  # ordered, no result yet
    tb_case(dr_ayse, fatma, fatih_clinic, "B2")
    return visit


def resources(summary, resource_type):
    return [
        e["resource"] for e in summary["entry"] if e["resource"]["resourceType"] == resource_type
    ]


def sections(summary):
    composition = summary["entry"][0]["resource"]
    return {s["code"]["coding"][0]["code"]: s for s in composition["section"]}


def references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_the_summary_is_a_valid_ips_document(dr_ayse, fatma, record):
    summary = ips.build(fatma, author=dr_ayse)

    bundle = Bundle.model_validate(summary)
    assert bundle.type == "document"
    assert summary["identifier"]["system"] == "urn:kopru:ips"
    assert summary["timestamp"]
    composition = summary["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["status"] == "final"
    assert composition["type"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": IPS_TYPE,
        "display": "Patient summary Document",
    }
    assert set(sections(summary)) == {
        PROBLEMS,
        ALLERGIES,
        MEDICATIONS,
        IMMUNIZATIONS,
        RESULTS,
        VITAL_SIGNS,
    }
    for section in composition["section"]:
        assert section["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')

    full_urls = [e["fullUrl"] for e in summary["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    every_reference = set(references([e["resource"] for e in summary["entry"]]))
    assert every_reference <= set(full_urls)
    # Every resource but the composition is reached from it: nothing travels unlisted.
    assert set(full_urls[1:]) <= set(references(composition))


def test_the_author_is_the_organisation_and_the_physician(dr_ayse, fatma):
    summary = ips.build(fatma, author=dr_ayse)
    composition = summary["entry"][0]["resource"]
    by_url = {e["fullUrl"]: e["resource"] for e in summary["entry"]}
    authors = [by_url[a["reference"]] for a in composition["author"]]
    assert [a["resourceType"] for a in authors] == ["Organization", "Practitioner"]
    assert authors[0]["name"] == "IOM Türkiye"
    assert authors[1]["name"][0]["text"] == dr_ayse.get_full_name()
    assert by_url[composition["subject"]["reference"]]["resourceType"] == "Patient"

    without = ips.build(fatma)
    assert not resources(without, "Practitioner")


def test_the_patient_carries_only_what_the_summary_needs(fatma):
    patient = resources(ips.build(fatma), "Patient")[0]
    assert patient["identifier"] == [{"system": "urn:kopru:person", "value": fatma.reference}]
    assert patient["birthDate"] == "1985"  # the year was all that was known
    assert patient["gender"] == "female"
    official, usual = patient["name"]
    assert (official["use"], official["family"], official["given"]) == (
        "official",
        "Hasan",
        ["Fatma"],
    )
    assert (usual["use"], usual["family"], usual["given"]) == ("usual", "حسن", ["فاطمة"])
    assert fatma.phones.exists() and fatma.address  # held, but not passed on
    assert "telecom" not in patient and "address" not in patient


@pytest.mark.parametrize(
    ("precision", "written"),
    [("exact", "1985-06-15"), ("month", "1985-06"), ("year", "1985"), ("estimated", "1985")],
)
def test_a_partial_birth_date_says_only_what_is_known(fatma, precision, written):
    fatma.birth_date, fatma.birth_date_precision = date(1985, 6, 15), precision
    assert resources(ips.build(fatma), "Patient")[0]["birthDate"] == written


def test_diagnoses_become_icd10_conditions(fatma, record):
    summary = ips.build(fatma)
    conditions = {
        c["code"]["coding"][0]["code"]: c
        for c in resources(summary, "Condition")
        if "coding" in c["code"]
    }
    hypertension = conditions["I10"]
    assert hypertension["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10",
        "code": "I10",
        "display": codes.title("I10", "en"),
    }
    assert hypertension["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert hypertension["clinicalStatus"]["coding"][0]["code"] == "active"
    assert conditions["E11.9"]["verificationStatus"]["coding"][0]["code"] == "provisional"
    # B2 is latent TB, the one class with a code that fits for sure.
    assert conditions["Z22.7"]["code"]["text"].startswith("Class B2")
    assert "I10" in sections(summary)[PROBLEMS]["text"]["div"]


def test_the_same_diagnosis_twice_is_one_problem(dr_ayse, fatma, fatih_clinic, record):
    again = consult(dr_ayse, fatma, fatih_clinic, days_ago=0)
    Diagnosis.objects.create(encounter=again, code="I10")
    codes_listed = [
        c["code"]["coding"][0]["code"]
        for c in resources(ips.build(fatma), "Condition")
        if "coding" in c["code"]
    ]
    assert codes_listed.count("I10") == 1


def test_a_tb_class_without_a_sure_code_travels_in_words(dr_ayse, fatma, fatih_clinic):
    case = tb_case(dr_ayse, fatma, fatih_clinic, "B1P")
    case.tb_detail = "Healed lesion, right upper lobe"
    case.save()
    (condition,) = resources(ips.build(fatma, case=case), "Condition")
    assert "coding" not in condition["code"]
    assert condition["code"]["text"] == "Class B1 pulmonary TB"
    assert "Healed lesion" in condition["note"][0]["text"]


def test_a_case_of_another_person_is_refused(dr_ayse, fatma, fatih_clinic):
    other = registry.register_person(dr_ayse, new_person(fatih_clinic, given_name="Ali"))
    case = tb_case(dr_ayse, other, fatih_clinic, "B2")
    with pytest.raises(ValueError):
        ips.build(fatma, case=case)
    assert not resources(ips.build(fatma), "Condition")


def test_mental_health_is_shared_only_when_chosen(dr_ayse, fatma, fatih_clinic, record):
    visit = consult(dr_ayse, fatma, fatih_clinic, service="mhpss_consultation", days_ago=0)
    Diagnosis.objects.create(encounter=visit, code="F32.1")
    Prescription.objects.create(encounter=visit, medicine="Sertraline 50 mg", dose="1 tablet")

    def listed(summary):
        conditions = [
            c["code"].get("coding", [{}])[0].get("code") for c in resources(summary, "Condition")
        ]
        medicines = [
            m["medicationCodeableConcept"]["text"]
            for m in resources(summary, "MedicationStatement")
        ]
        return conditions, medicines

    conditions, medicines = listed(ips.build(fatma))
    assert "F32.1" not in conditions and "I10" in conditions
    assert medicines == ["Amlodipine 5 mg"]
    default = ips.build(fatma)
    assert "F32" not in str(default) and "Sertraline" not in str(default)

    conditions, medicines = listed(ips.build(fatma, include_mental_health=True))
    assert "F32.1" in conditions
    assert "Sertraline 50 mg" in medicines


def test_vaccinations_carry_cvx_lot_and_where_they_were_seen(fatma, record):
    summary = ips.build(fatma)
    doses = {i["vaccineCode"]["coding"][0]["code"]: i for i in resources(summary, "Immunization")}
    td = doses["113"]
    assert td["vaccineCode"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/cvx"
    assert td["lotNumber"] == "TD-4471"
    assert td["occurrenceDateTime"] == "2024-03-01"
    assert td["primarySource"] is True and td["status"] == "completed"
    assert td["protocolApplied"] == [{"doseNumberPositiveInt": 1}]
    mmr = doses["03"]
    assert mmr["primarySource"] is False
    assert mmr["reportOrigin"]["text"] == "vaccination card"
    assert "lotNumber" not in mmr
    assert "TD-4471" in sections(summary)[IMMUNIZATIONS]["text"]["div"]


def test_a_positive_igra_is_a_positive_laboratory_observation(fatma, record):
    summary = ips.build(fatma)
    results = [
        o
        for o in resources(summary, "Observation")
        if o["category"][0]["coding"][0]["code"] == "laboratory"
    ]
    (igra,) = results  # the test still waiting for its result is not there
    assert igra["code"]["coding"][0]["system"] == "http://loinc.org"
    assert igra["code"]["coding"][0]["code"] == IGRA
    assert igra["status"] == "final"
    assert igra["interpretation"][0]["coding"][0]["code"] == "POS"
    assert igra["valueCodeableConcept"]["text"] == "Positive"
    assert igra["effectiveDateTime"] == (date.today() - timedelta(days=8)).isoformat()
    assert sections(summary)[RESULTS]["entry"]


def test_a_measured_result_is_a_quantity(dr_ayse, fatma):
    investigation(
        dr_ayse,
        fatma,
        "718-7",
        "LAB-3",
        status="resulted",
        value="10.40",
        unit="g/dL",
        interpretation="abnormal",
        resulted_at=timezone.now(),
    )
    (haemoglobin,) = resources(ips.build(fatma), "Observation")
    assert haemoglobin["valueQuantity"] == {
        "value": 10.4,
        "unit": "g/dL",
        "system": "http://unitsofmeasure.org",
        "code": "g/dL",
    }
    assert haemoglobin["interpretation"][0]["coding"][0]["code"] == "A"


def test_vital_signs_come_from_the_latest_consultation(dr_ayse, fatma, fatih_clinic, record):
    consult(dr_ayse, fatma, fatih_clinic, days_ago=30, pulse=60, height_cm="160.0")
    vitals = {
        o["code"]["coding"][0]["code"]: o
        for o in resources(ips.build(fatma), "Observation")
        if o["category"][0]["coding"][0]["code"] == "vital-signs"
    }
    assert set(vitals) == {"8310-5", "8867-4", "29463-7", "59408-5", "85354-9"}
    assert vitals["8867-4"]["valueQuantity"]["value"] == 88  # not the older 60
    assert vitals["8310-5"]["valueQuantity"]["code"] == "Cel"
    assert vitals["29463-7"]["valueQuantity"] == {
        "value": 71.5,
        "unit": "kg",
        "system": "http://unitsofmeasure.org",
        "code": "kg",
    }
    bp = vitals["85354-9"]["component"]
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in bp] == [
        ("8480-6", 150),
        ("8462-4", 95),
    ]
    assert all(c["valueQuantity"]["code"] == "mm[Hg]" for c in bp)


def test_an_empty_record_still_has_the_required_sections(fatma):
    summary = ips.build(fatma)
    Bundle.model_validate(summary)
    found = sections(summary)
    assert set(found) == {PROBLEMS, ALLERGIES, MEDICATIONS}
    for code in (PROBLEMS, ALLERGIES, MEDICATIONS):
        assert "entry" not in found[code]
        assert found[code]["emptyReason"]["coding"][0] == {
            "system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
            "code": "unavailable",
            "display": "Unavailable",
        }
    assert "No information about allergies" in found[ALLERGIES]["text"]["div"]
    assert [e["resource"]["resourceType"] for e in summary["entry"]] == [
        "Composition",
        "Patient",
        "Organization",
    ]


def test_the_narrative_is_escaped(dr_ayse, fatma, fatih_clinic):
    visit = consult(dr_ayse, fatma, fatih_clinic)
    Prescription.objects.create(
        encounter=visit, medicine="<b>Paracetamol</b> & co", dose="500 mg", duration_days=3
    )
    summary = ips.build(fatma)
    div = sections(summary)[MEDICATIONS]["text"]["div"]
    assert "&lt;b&gt;Paracetamol&lt;/b&gt; &amp; co" in div and "<b>" not in div
    (statement,) = resources(summary, "MedicationStatement")
    assert statement["status"] == "active"  # three days from yesterday
    assert statement["dosage"][0]["text"] == "500 mg, for 3 days"
