"""The health pages as their users meet them: the physician's case page is audited, a case
worker in the same team sees only travel status, and the patient summary leaves only with
consent, from the page or the command line."""

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from kopru.core.models import AuditEvent
from kopru.health import assessments
from kopru.health.models import Disclosure
from kopru.registry import services as registry

pytestmark = pytest.mark.django_db

RECIPIENT = "Arizona Department of Health Services, refugee health"


def share_consent(actor, person, recipient=RECIPIENT):
    registry.record_consent(
        actor,
        person,
        purpose="sharing_authority",
        decision="given",
        language="ar",
        recipient=recipient,
        guardian_name="Ahmad Haddad",
        guardian_relationship="father",
    )


def test_the_case_page_shows_the_checklist_and_audits_the_view(login, dr_ayse, us_case):
    page = login(dr_ayse).get(us_case.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Chest X-ray" in text and "Required from age 15" in text
    assert "No presumptive treatment for people examined in Türkiye" in text
    viewed = AuditEvent.objects.filter(
        action="view", object_type="health.assessmentcase", object_id=str(us_case.pk)
    )
    assert viewed.get().category == "health"


def test_a_case_worker_sees_travel_status_but_no_clinical_detail(
    login, dr_ayse, caseworker_istanbul, us_case
):
    assessments.classify_tb(dr_ayse, us_case, "none", reason="Clinical decision for the test")
    client = login(caseworker_istanbul)
    person_page = client.get(us_case.person.get_absolute_url()).content.decode()
    assert us_case.number in person_page and "not cleared to travel yet" in person_page
    assert "Health record" not in person_page
    for url in (
        us_case.get_absolute_url(),
        reverse("health:person_record", args=[us_case.person.pk]),
    ):
        assert client.get(url).status_code == 403
    assert (
        not AuditEvent.objects.filter(action="view", actor=caseworker_istanbul)
        .filter(object_type="health.assessmentcase")
        .exists()
    )


def test_a_refused_pec_on_the_page_says_why_and_writes_nothing(login, dr_ayse, us_case):
    assessments.set_travel(dr_ayse, us_case, departure_at=timezone.now() + timedelta(days=6))
    page = login(dr_ayse).post(
        us_case.get_absolute_url(),
        {"action": "pec", "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "fit": "on"},
    )
    assert page.status_code == 200
    assert "24 to 72 hours before the flight" in page.content.decode()
    assert not us_case.checks.exists()


def test_the_patient_summary_is_refused_without_consent(login, dr_ayse, us_case):
    client = login(dr_ayse)
    url = reverse("health:case_ips", args=[us_case.pk])
    page = client.post(
        url,
        {"document": "ips", "recipient": RECIPIENT, "purpose": "Continuity of care"},
        follow=True,
    )
    assert "has not consented" in page.content.decode()
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_with_consent_the_summary_downloads_validates_and_is_recorded(login, dr_ayse, us_case):
    share_consent(dr_ayse, us_case.person)
    response = login(dr_ayse).post(
        reverse("health:case_ips", args=[us_case.pk]),
        {"document": "ips", "recipient": RECIPIENT.upper(), "purpose": "Continuity of care"},
    )
    assert response["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate(json.loads(response.content))
    assert bundle.type == "document"
    disclosure = Disclosure.objects.get()
    assert disclosure.by == dr_ayse and disclosure.channel == "download"
    entry = AuditEvent.objects.get(action="disclose")
    assert entry.details["recipient"] == RECIPIENT.upper() and entry.category == "health"


def test_export_ips_writes_the_file_as_the_named_user(dr_ayse, us_case, tmp_path):
    out = tmp_path / "ips.json"
    arguments = [
        us_case.person.reference,
        "--out",
        str(out),
        "--as",
        "dr_ayse",
        "--recipient",
        RECIPIENT,
        "--purpose",
        "Resettlement",
    ]
    with pytest.raises(CommandError, match="has not consented"):
        call_command("export_ips", *arguments)
    assert not out.exists()
    share_consent(dr_ayse, us_case.person)
    call_command("export_ips", *arguments)
    Bundle.model_validate(json.loads(out.read_text()))
    assert Disclosure.objects.get().channel == "command"
    assert AuditEvent.objects.get(action="disclose").actor == dr_ayse


def test_the_physician_records_a_consultation_through_the_page(login, dr_ayse, yusuf, fatih_clinic):
    client = login(dr_ayse)
    page = client.post(
        reverse("health:consultation_new", args=[yusuf.pk]),
        {
            "kind": "chronic",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "location": fatih_clinic.pk,
            "reason": "Cough for three weeks",
            "temperature_c": "38.1",
            "dx_0": "R05 Cough",
            "dx_certainty_0": "provisional",
        },
    )
    assert page.status_code == 302
    detail = client.get(page["Location"]).content.decode()
    assert "R05" in detail and "Cough for three weeks" in detail
    assert "/refer/?event=" in detail  # a specialist referral starts from the consultation
    search = client.get(reverse("health:icd10_search"), {"q": "tubercul", "format": "json"})
    assert any(r["code"].startswith("A15") for r in search.json()["results"])


def test_the_us_forms_download_as_pdf_with_consent_and_count_as_a_service(login, dr_ayse, us_case):
    from kopru.services.models import ServiceEvent

    share_consent(dr_ayse, us_case.person)
    response = login(dr_ayse).post(
        reverse("health:case_ips", args=[us_case.pk]),
        {"document": "authority_forms", "recipient": RECIPIENT, "purpose": "Visa medical"},
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Disclosure.objects.get().document == "authority_forms"
    shared = ServiceEvent.objects.filter(service_type__code="health_information_sharing")
    assert shared.count() == 1
    from kopru.health import authority_forms

    html = authority_forms.forms_html(us_case)
    assert "DS-2054" in html and "DS-3030" in html and us_case.number in html


def test_a_share_without_a_recipient_says_so_and_writes_nothing(login, dr_ayse, us_case):
    page = login(dr_ayse).post(
        reverse("health:case_ips", args=[us_case.pk]),
        {"document": "ips", "purpose": "Continuity of care"},
        follow=True,
    )
    assert "This field is required" in page.content.decode()
    assert not Disclosure.objects.exists()


def test_a_refused_dot_day_on_the_page_says_why(login, dr_ayse, us_case):
    course = assessments.start_dot(
        dr_ayse,
        us_case,
        regimen="2HRZE/4HR",
        doses_planned=10,
        started_on=timezone.localdate(),
    )
    page = login(dr_ayse).post(
        us_case.get_absolute_url(),
        {"action": "dot_dose", "course": course.pk, "on": timezone.localdate().isoformat()},
    )
    assert "Say why the dose was missed" in page.content.decode()
    assert not course.doses.exists()
