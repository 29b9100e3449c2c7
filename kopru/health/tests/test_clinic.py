"""Clinic care: consultations with vital signs, ICD-10 diagnoses and prescriptions, and the
vaccination record with its schedule checks."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.core.models import AuditEvent
from kopru.health import codes, services
from kopru.health.models import Encounter, Immunization
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person
from kopru.services.models import ServiceEvent

from .conftest import born_years_ago

pytestmark = pytest.mark.django_db


def consult(actor, who, place, **changes):
    fields = {
        "kind": "chronic",
        "at": timezone.now() - timedelta(minutes=5),
        "location": place,
        "reason": "Follow-up of hypertension",
        "vitals": {"systolic": "150", "diastolic": "95", "pulse": "80", "temperature_c": "36.8"},
        "diagnoses": [{"code": "I10"}],
        "prescriptions": [{"medicine": "Amlodipine", "dose": "5 mg", "frequency": "once daily"}],
    }
    return services.record_consultation(actor, who, **{**fields, **changes})


def test_a_consultation_is_a_health_service_with_its_clinical_detail(dr_ayse, yusuf, fatih_clinic):
    encounter = consult(dr_ayse, yusuf, fatih_clinic)
    assert encounter.event.service_type.code == "chronic_disease_consultation"
    assert encounter.event.category == "health" and encounter.systolic == 150
    assert [d.code for d in encounter.diagnoses.all()] == ["I10"]
    assert encounter.diagnoses.get().primary
    assert encounter.prescriptions.get().medicine == "Amlodipine"
    # The ledger carries no clinical text: a role that sees the service sees no diagnosis.
    assert "I10" not in encounter.event.notes and "hypertension" not in encounter.event.notes


def test_sending_a_consultation_twice_stores_it_once(dr_ayse, yusuf, fatih_clinic):
    first = consult(dr_ayse, yusuf, fatih_clinic, uid="5a0e7a6c-2a6f-4b44-9a34-6c1d7e1e0001")
    again = consult(dr_ayse, yusuf, fatih_clinic, uid="5a0e7a6c-2a6f-4b44-9a34-6c1d7e1e0001")
    assert first.pk == again.pk and Encounter.objects.count() == 1


@pytest.mark.parametrize(
    "vitals, field",
    [
        ({"temperature_c": "367"}, "temperature_c"),  # a missed decimal point
        ({"systolic": "80", "diastolic": "120"}, "diastolic"),
        ({"spo2": "140"}, "spo2"),
        ({"pulse": "seventy"}, "pulse"),
    ],
)
def test_impossible_vitals_are_refused_and_nothing_is_written(
    dr_ayse, yusuf, fatih_clinic, vitals, field
):
    with pytest.raises(ValidationError) as refused:
        consult(dr_ayse, yusuf, fatih_clinic, vitals=vitals)
    assert field in refused.value.message_dict
    assert not Encounter.objects.exists() and not ServiceEvent.objects.exists()


def test_an_unusual_value_needs_the_clinicians_reason_which_is_kept(dr_ayse, yusuf, fatih_clinic):
    with pytest.raises(ValidationError):
        consult(dr_ayse, yusuf, fatih_clinic, vitals={"temperature_c": "42.5"})
    encounter = consult(
        dr_ayse,
        yusuf,
        fatih_clinic,
        vitals={"temperature_c": "42.5"},
        overrides={"temperature_c": "Measured twice, heat stroke"},
    )
    assert encounter.overrides[0]["reason"] == "Measured twice, heat stroke"


def test_a_diagnosis_must_come_from_the_icd10_list(dr_ayse, yusuf, fatih_clinic):
    with pytest.raises(ValidationError) as refused:
        consult(dr_ayse, yusuf, fatih_clinic, diagnoses=[{"code": "XYZ.9"}])
    assert "diagnoses" in refused.value.message_dict


def test_the_icd10_list_is_searched_by_code_and_by_title_in_the_users_language():
    assert codes.search_icd10("A15")[0][0].startswith("A15")
    found = [c for c, _t in codes.search_icd10("latent tuberculosis", "en")]
    assert "Z22.7" in found
    turkish = [c for c, _t in codes.search_icd10(codes.icd10()["I10"]["tr"], "tr")]
    assert "I10" in turkish
    for required in ("A15", "B90", "Z22.7", "Z11.1", "Z20.1", "Z23", "R76.11", "R76.12"):
        assert required in codes.icd10()


def test_a_childs_measurements_give_who_z_scores_and_a_nutrition_class(dr_ayse, fatih_clinic):
    child = registry.register_person(
        dr_ayse,
        person(
            fatih_clinic,
            given_name="Meryem",
            sex="female",
            birth_date=timezone.localdate() - timedelta(days=400),
            birth_date_precision="exact",
        ),
    )
    encounter = consult(
        dr_ayse,
        child,
        fatih_clinic,
        kind="nutrition",
        reason="Growth monitoring",
        vitals={"weight_kg": "6.2", "height_cm": "72.0", "muac_mm": "112"},
        overrides={"muac_mm": "Measured twice"},
        lying=True,
        diagnoses=[],
        prescriptions=[],
    )
    assert encounter.whz is not None and encounter.whz < -2
    assert encounter.nutrition_status == "sam"  # MUAC under 115 mm is the most severe


def test_a_role_without_health_data_cannot_record_a_consultation(
    caseworker_istanbul, yusuf, fatih_clinic
):
    with pytest.raises(PermissionDenied):
        consult(caseworker_istanbul, yusuf, fatih_clinic)


def test_a_nurse_does_not_record_mental_health_consultations(nurse_hatice, yusuf, fatih_clinic):
    with pytest.raises(PermissionDenied):
        consult(nurse_hatice, yusuf, fatih_clinic, kind="mhpss", diagnoses=[{"code": "F43.1"}])


# --- Vaccination record ---------------------------------------------------------------------


@pytest.fixture
def baby(dr_ayse, fatih_clinic):
    return registry.register_person(
        dr_ayse,
        person(
            fatih_clinic,
            given_name="Ali",
            birth_date=timezone.localdate() - timedelta(days=300),
            birth_date_precision="exact",
        ),
    )


def test_a_dose_given_here_is_a_service_and_one_from_a_card_is_not(dr_ayse, baby, fatih_clinic):
    born = baby.birth_date
    card = services.record_immunization(
        dr_ayse, baby, cvx="08", given_on=born, source="card", dose_number=1
    )
    assert card.event is None
    here = services.record_immunization(
        dr_ayse,
        baby,
        cvx="08",
        given_on=born + timedelta(days=35),
        source="given_here",
        location=fatih_clinic,
        lot="HB-2291",
    )
    assert here.event.service_type.code == "immunization" and here.given_by == dr_ayse


def test_a_dose_before_its_minimum_age_needs_a_reason_kept_in_the_audit(
    dr_ayse, baby, fatih_clinic
):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.record_immunization(
            dr_ayse, baby, cvx="03", given_on=today, source="given_here", location=fatih_clinic
        )
    assert any("minimum age" in m for m in refused.value.messages)
    assert not Immunization.objects.exists()
    dose = services.record_immunization(
        dr_ayse,
        baby,
        cvx="03",
        given_on=today,
        source="given_here",
        location=fatih_clinic,
        override_reason="Measles outbreak in the camp",
    )
    assert dose.override_reason == "Measles outbreak in the camp"
    entry = AuditEvent.objects.filter(object_type="health.immunization").get()
    assert entry.details["overridden"]


def test_a_dose_in_the_future_or_before_birth_is_refused(dr_ayse, baby, fatih_clinic):
    for day in (timezone.localdate() + timedelta(days=2), baby.birth_date - timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.record_immunization(dr_ayse, baby, cvx="08", given_on=day, source="card")


def test_an_adult_is_not_refused_by_the_childhood_schedule(dr_ayse, fatih_clinic):
    adult = registry.register_person(
        dr_ayse, person(fatih_clinic, given_name="Omar", birth_date=born_years_ago(30))
    )
    dose = services.record_immunization(
        dr_ayse,
        adult,
        cvx="113",
        given_on=timezone.localdate(),
        source="given_here",
        location=fatih_clinic,
    )
    assert dose.pk
