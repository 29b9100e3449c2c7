"""The pre-migration health assessment: the protocol decides the checklist; results, the TB
class, fitness and the flight decide travel clearance."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kopru.core.models import AuditEvent
from kopru.health import assessments, checklist, protocols, tb
from kopru.health.models import AssessmentCase, EmbarkationCheck, Investigation, TbClass
from kopru.services.models import ServiceEvent

pytestmark = pytest.mark.django_db

IGRA, CXR, SMEAR, CULTURE = "71773-6", "36643-5", "11545-1", "543-9"


def statuses(case):
    return {item.component: item for item in checklist.items(case)}


def result(actor, case, test, interpretation, reading="", specimens=1):
    orders = assessments.order_investigation(actor, case, test, specimens=specimens)
    for order in orders:
        assessments.record_result(
            actor, order, interpretation=interpretation, reading=reading or "read"
        )
    return orders


def test_the_us_protocol_asks_a_16_year_old_for_what_the_cdc_rules_say(us_case):
    items = statuses(us_case)
    assert us_case.protocol_version == "2021-09"
    assert items["cxr"].required and "from age 15" in items["cxr"].reason
    # Türkiye's TB incidence is under 20/100k: no routine IGRA at 2-14, and he is 16 anyway.
    assert items["igra_tst"].required is False
    assert items["syphilis"].required is False
    assert "age 18 to under 45" in items["syphilis"].reason
    assert items["gonorrhoea"].required is False
    assert items["sputum"].required is False  # no suggestive X-ray, no symptoms
    for component in ("history", "physical_exam", "mental_health", "vaccines"):
        assert items[component].required and items[component].status == "pending"
    # Presumptive treatment: the CDC regimen for people processed in Türkiye is none.
    assert items["presumptive_treatment"].status == "not_applicable"
    assert "Türkiye" in items["presumptive_treatment"].reason or "TUR" in (
        items["presumptive_treatment"].reason
    )


def test_a_case_keeps_the_protocol_version_it_opened_under(dr_ayse, yusuf, fatih_clinic):
    case = assessments.open_case(
        dr_ayse, yusuf, protocol="us", programme="refugee", location=fatih_clinic
    )
    AssessmentCase.objects.filter(pk=case.pk).update(protocol_version="2018-10")
    case.refresh_from_db()
    # Before September 2021 the CDC tested syphilis from age 15.
    assert statuses(case)["syphilis"].required is True
    assert "gonorrhoea" not in statuses(case)


def test_the_version_in_force_is_chosen_by_date():
    assert protocols.version("us", timezone.datetime(2020, 5, 1).date())["version"] == "2018-10"
    assert protocols.version("us", timezone.datetime(2022, 5, 1).date())["version"] == "2021-09"


def test_a_suggestive_x_ray_makes_sputum_required(dr_ayse, us_case):
    result(dr_ayse, us_case, CXR, "suggestive", reading="Upper lobe infiltrate")
    us_case.refresh_from_db()
    assert "cxr_suggestive" in us_case.findings
    items = statuses(us_case)
    assert items["sputum"].required and items["sputum"].status == "pending"
    suggested, reasons = tb.suggest(us_case)
    assert suggested is None and "0 of 3 smears" in reasons[0]


def test_the_full_us_assessment_clears_a_b2_refugee_to_travel(dr_ayse, us_case):
    today = timezone.localdate()
    for component in ("history", "physical_exam", "mental_health", "vaccines"):
        assessments.record_component(dr_ayse, us_case, component, done_on=today, outcome="ok")
    result(dr_ayse, us_case, CXR, "normal", reading="Normal chest")
    # Not required at 16, ordered by the physician: an additional item on the checklist.
    result(dr_ayse, us_case, IGRA, "positive")
    us_case.refresh_from_db()
    items = statuses(us_case)
    assert items["igra_tst"].status == "done" and items["cxr"].status == "done"
    assert tb.suggest(us_case)[0] == TbClass.B2
    assessments.classify_tb(dr_ayse, us_case, TbClass.B2)
    assessments.decide_fitness(dr_ayse, us_case, "fit")
    flight = timezone.now() + timedelta(hours=30)
    assessments.set_travel(dr_ayse, us_case, departure_at=flight)
    assert checklist.blockers(us_case) == []
    assessments.clear_for_travel(dr_ayse, us_case)
    check = assessments.record_pec(dr_ayse, us_case, at=timezone.now(), fit=True)
    assert check.fit and us_case.status == AssessmentCase.Status.CLEARED
    # Every component, test and the check is a service to the person, counted under Health.
    events = ServiceEvent.objects.filter(person=us_case.person)
    sectors = set(events.values_list("service_type__sub_sector__sector__code", flat=True))
    assert sectors == {"health"} and events.count() == 7


def test_a_class_a_case_cannot_be_cleared_until_dot_is_complete(dr_ayse, us_case):
    today = timezone.localdate()
    for component in ("history", "physical_exam", "mental_health", "vaccines"):
        assessments.record_component(dr_ayse, us_case, component, done_on=today)
    result(dr_ayse, us_case, CXR, "suggestive", reading="Cavity")
    us_case.refresh_from_db()
    result(dr_ayse, us_case, SMEAR, "positive", specimens=3)
    result(dr_ayse, us_case, CULTURE, "positive", specimens=3)
    assert tb.suggest(us_case)[0] == TbClass.A
    assessments.classify_tb(dr_ayse, us_case, TbClass.A)
    assessments.decide_fitness(dr_ayse, us_case, "fit")
    with pytest.raises(ValidationError) as refused:
        assessments.clear_for_travel(dr_ayse, us_case)
    assert any("Class A TB" in m for m in refused.value.messages)
    us_case.refresh_from_db()
    assert us_case.status == AssessmentCase.Status.OPEN

    course = assessments.start_dot(
        dr_ayse, us_case, regimen="2HRZE/4HR", doses_planned=2, started_on=today - timedelta(2)
    )
    assessments.record_dot_dose(dr_ayse, course, on=today - timedelta(2), observed=True)
    with pytest.raises(ValidationError):
        assessments.record_dot_dose(dr_ayse, course, on=today - timedelta(1), observed=False)
    assessments.record_dot_dose(
        dr_ayse, course, on=today - timedelta(1), observed=False, note="vomited"
    )
    assert checklist.blockers(us_case)  # one dose observed of two
    assessments.record_dot_dose(dr_ayse, course, on=today, observed=True)
    course.refresh_from_db()
    assert course.completed_on == today
    # Treated under DOT: the results now point to B0, and nothing blocks clearance.
    assert tb.suggest(us_case)[0] == TbClass.B0
    assessments.classify_tb(dr_ayse, us_case, TbClass.B0)
    assessments.clear_for_travel(dr_ayse, us_case)


def test_classifying_against_the_results_needs_a_reason(dr_ayse, us_case):
    result(dr_ayse, us_case, IGRA, "positive")
    with pytest.raises(ValidationError):
        assessments.classify_tb(dr_ayse, us_case, TbClass.NONE)
    assessments.classify_tb(dr_ayse, us_case, TbClass.NONE, reason="IGRA repeated: negative")
    entry = AuditEvent.objects.filter(object_id=str(us_case.pk)).order_by("-seq").first()
    assert entry.details["override"] == "IGRA repeated: negative"


def test_a_pec_outside_its_window_is_refused_and_nothing_is_written(dr_ayse, us_case):
    assessments.set_travel(dr_ayse, us_case, departure_at=timezone.now() + timedelta(days=5))
    before = ServiceEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        assessments.record_pec(dr_ayse, us_case, at=timezone.now(), fit=True)
    assert "24 to 72 hours" in refused.value.messages[0]
    assert ServiceEvent.objects.count() == before
    assert not EmbarkationCheck.objects.exists()


def test_a_flight_after_the_exam_expires_is_flagged(dr_ayse, us_case):
    AssessmentCase.objects.filter(pk=us_case.pk).update(
        opened_at=timezone.now() - timedelta(days=200)
    )
    us_case.refresh_from_db()
    assessments.record_component(
        dr_ayse, us_case, "physical_exam", done_on=timezone.localdate() - timedelta(days=190)
    )
    assessments.set_travel(dr_ayse, us_case, departure_at=timezone.now() + timedelta(days=2))
    us_case.refresh_from_db()
    assert any("expires" in b for b in checklist.blockers(us_case))
    # Three weeks after opening, what is still missing is overdue.
    assert statuses(us_case)["history"].status == "overdue"


def test_hiv_is_ordered_only_with_pre_test_counselling_and_counselled_after(dr_ayse, us_case):
    with pytest.raises(ValidationError):
        assessments.order_investigation(dr_ayse, us_case, "56888-1")
    (order,) = assessments.order_investigation(
        dr_ayse, us_case, "56888-1", pre_counselling="Explained the test, consented"
    )
    with pytest.raises(ValidationError):
        assessments.record_counselling(dr_ayse, order)  # no result yet
    assessments.record_result(dr_ayse, order, interpretation="negative")
    assessments.record_counselling(dr_ayse, order, notes="Result given")
    assert sorted(order.counselling.values_list("stage", flat=True)) == ["post", "pre"]


def test_a_result_cannot_be_entered_twice_nor_be_impossible(dr_ayse, us_case):
    (order,) = assessments.order_investigation(dr_ayse, us_case, IGRA)
    # Not required at 16, ordered anyway: shown as an additional test awaiting its result.
    igra = statuses(us_case)["igra_tst"]
    assert (igra.status, igra.extra) == ("pending", True)
    assert not any("IGRA" in b for b in checklist.blockers(us_case))
    with pytest.raises(ValidationError):
        assessments.record_result(dr_ayse, order, interpretation="suggestive")  # not for IGRA
    assessments.record_result(dr_ayse, order, interpretation="negative")
    with pytest.raises(ValidationError):
        assessments.record_result(dr_ayse, order, interpretation="positive")
    order.refresh_from_db()
    assert order.interpretation == Investigation.Interpretation.NEGATIVE


def test_presumptive_treatment_follows_the_regimen_and_its_contraindications(dr_ayse, us_case):
    # Türkiye has no regimen: nothing can be given "by protocol".
    with pytest.raises(ValidationError):
        assessments.give_treatment(dr_ayse, us_case, "albendazole", given_on=timezone.localdate())
    from kopru.health import pdmp

    plan = pdmp.regimen("IRQ", age=16, weight_kg=12, pregnant=True, origin="SYR")
    drugs = {d.code: d for d in plan.drugs}
    assert drugs["albendazole"].contraindications == ["not in pregnancy"]
    assert "not under 15 kg" in drugs["ivermectin"].contraindications[0]
    plan = pdmp.regimen("KEN", age=30, weight_kg=60, pregnant=False, origin="COD")
    drugs = {d.code: d for d in plan.drugs}
    assert "Loa loa" in drugs["ivermectin"].contraindications[0]
    assert drugs["ivermectin"].dose.startswith("12.0 mg")
    assert not drugs["albendazole"].contraindications


def test_a_second_open_case_for_the_same_destination_is_refused(dr_ayse, us_case, fatih_clinic):
    with pytest.raises(ValidationError):
        assessments.open_case(
            dr_ayse, us_case.person, protocol="us", programme="refugee", location=fatih_clinic
        )
    canada = assessments.open_case(
        dr_ayse, us_case.person, protocol="ca", programme="refugee", location=fatih_clinic
    )
    assert statuses(canada)["hiv"].required  # Canada tests HIV from 15


def test_every_destination_protocol_loads_and_decides(dr_ayse, yusuf, fatih_clinic):
    for entry in protocols.protocols():
        for version in entry["versions"]:
            facts = protocols.Facts(
                age=30, sex="female", pregnant=True, programme="refugee", exam_country="TUR"
            )
            found = protocols.requirements(version, facts)
            assert found and all(r.required is not None for r in found)
            assert {r.component for r in found} <= set(protocols.data()["components"])
