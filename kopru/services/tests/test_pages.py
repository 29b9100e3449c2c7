"""The services pages as a user meets them: the day sheet, recording from a person's page,
a referral that a municipal centre accepts and completes from its inbox, the slip, and the
timeline a case worker reads (issue 4, "How it will be checked")."""

import pytest
from django.utils import timezone

from kopru.core.tests.factories import district, make_team, make_user, mission
from kopru.registry import services as registry
from kopru.services import referrals
from kopru.services.models import Provider, Referral, ServiceEvent

from .test_record import a_service

pytestmark = pytest.mark.django_db

CENTRE = "Haliliye Municipal Migrant Centre"


def when(hours_ago=1):
    local = timezone.localtime(timezone.now() - timezone.timedelta(hours=hours_ago))
    return local.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def municipal(admin_selin, haliliye_centre):
    """The municipality's centre answers in Kopru: its staff form a receiving team."""
    team = make_team("Municipal centre Haliliye", base=haliliye_centre, locations=[])
    staff = make_user("centre_hatice", "clerk", teams=[team])
    provider = referrals.save_provider(
        admin_selin,
        Provider(
            mission=mission("TR"),
            name=CENTRE,
            kind=Provider.Kind.MUNICIPAL,
            team=team,
            location=district("TR63", "Haliliye"),
            languages=["ara", "tur"],
        ),
    )
    return provider, staff


def test_a_day_sheet_records_a_group_session_of_twenty_and_thirty_five_counted(
    login, clerk_zeynep, twenty, haliliye_centre
):
    client = login(clerk_zeynep)
    page = client.get("/services/day-sheet/")
    assert page.status_code == 200
    sheet = page.context["sheet"]
    found = client.post("/services/day-sheet/lookup/", {"q": twenty[0].reference})
    assert twenty[0].reference in found.content.decode()
    body = {
        "sheet": sheet,
        "mode": "group",
        "service_type": a_service("general", "group").code,
        "at": when(),
        "location": haliliye_centre.pk,
        "modality": "centre",
        "person": [p.pk for p in twenty],
        "hc-female-18-59-0": "20",
        "hc-male-5-11-0": "12",
        "hc-female-60+-1": "3",
        "headcount_total": "35",
    }
    for _ in range(2):  # a double click sends the sheet twice
        saved = client.post("/services/day-sheet/", body)
        assert saved.status_code == 302, saved.context["form"].errors
    event = ServiceEvent.objects.get()
    assert event.participants.count() == 20 and event.headcount_total == 35
    bad = client.post("/services/day-sheet/", {**body, "sheet": "", "headcount_total": "40"})
    assert "adds up to 35" in bad.content.decode() and ServiceEvent.objects.count() == 1


def test_one_service_per_person_from_the_day_sheet(login, clerk_zeynep, twenty, haliliye_centre):
    client = login(clerk_zeynep)
    body = {
        "sheet": "6a1f7c1e-4a63-4c55-9d7e-2a0b8f0e0c11",
        "mode": "each",
        "service_type": a_service("general", "person").code,
        "at": when(),
        "location": haliliye_centre.pk,
        "modality": "centre",
        "person": [p.pk for p in twenty[:5]],
    }
    assert client.post("/services/day-sheet/", body).status_code == 302
    assert client.post("/services/day-sheet/", body).status_code == 302
    assert ServiceEvent.objects.filter(subject="person").count() == 5


def test_a_consultation_a_referral_accepted_and_completed_and_the_timeline(
    login, client, nurse_elif, clerk_zeynep, amina, haliliye_centre, municipal, sanliurfa_team
):
    provider, centre_staff = municipal
    client = login(nurse_elif)
    recorded = client.post(
        f"/services/people/{amina.pk}/record/",
        {
            "service_type": a_service("health", "person").code,
            "at": when(),
            "location": haliliye_centre.pk,
            "modality": "centre",
            "language": "ara",
            "interpreter": "Rania Haddad",
            "notes": "Blood pressure 150/95, medication adjusted",
            "project_0": "",
        },
    )
    assert recorded.status_code == 302, recorded.context["form"].errors
    consultation = ServiceEvent.objects.get(person=amina)

    # Without consent to share with the centre, the referral is refused and says why.
    client = login(clerk_zeynep)
    form = {"provider": provider.pk, "urgency": "urgent", "reason": "Needs a residence permit"}
    refused = client.post(f"/services/people/{amina.pk}/refer/", form)
    assert refused.status_code == 200 and "consented" in refused.content.decode()
    # ...and offers to record that consent, the recipient filled in, in any language.
    turkish = client.post(f"/services/people/{amina.pk}/refer/", form, HTTP_ACCEPT_LANGUAGE="tr")
    link = turkish.context["consent_for"]
    assert link == provider and "recipient=Haliliye%20Municipal" in turkish.content.decode()
    consent_page = client.get(
        f"/registry/people/{amina.pk}/consent/?purpose=referral&recipient={CENTRE}"
    )
    assert consent_page.context["form"]["recipient"].value() == CENTRE
    assert not Referral.objects.exists()
    registry.record_consent(
        clerk_zeynep, amina, purpose="referral", decision="given", language="ar", recipient=CENTRE
    )
    sent = client.post(f"/services/people/{amina.pk}/refer/", form)
    referral = Referral.objects.get()
    assert sent.status_code == 302 and referral.status == "sent"
    slip = client.get(f"/services/referrals/{referral.pk}/slip.pdf")
    assert slip["Content-Type"] == "application/pdf" and slip.content.startswith(b"%PDF")

    # The centre's staff accept it from their inbox, then complete it with feedback.
    client = login(centre_staff)
    inbox = client.get("/services/referrals/inbox/")
    assert referral.number in inbox.content.decode()
    client.post(f"/services/referrals/{referral.pk}/", {"status": "accepted"})
    client.post(
        f"/services/referrals/{referral.pk}/",
        {"status": "completed", "feedback": "Appointment at the migration office arranged"},
    )
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert [u.channel for u in referral.updates.all()] == ["referrer", "inbox", "inbox"]

    # A case worker sees the consultation happened, not what it was; the rest in full.
    caseworker = make_user("caseworker_derya", "caseworker", teams=[sanliurfa_team])
    client = login(caseworker)
    page = client.get(f"/services/people/{amina.pk}/timeline/").content.decode()
    assert consultation.service_type.name not in page and "Blood pressure" not in page
    assert "A service (Health)" in page
    assert f"Referral to {CENTRE}" in page and "Completed" in page
    assert "Referral to an organisation" in page  # the consent
    detail = client.get(f"/services/events/{consultation.pk}/")
    assert detail.status_code == 403
    client = login(nurse_elif)
    assert "Blood pressure" in client.get(f"/services/events/{consultation.pk}/").content.decode()


def test_the_slip_prints_in_the_persons_language(login, clerk_zeynep, amina, municipal):
    from kopru.services import slips

    provider, _staff = municipal
    amina.interpreter_language = "ara"
    amina.save()
    registry.record_consent(
        clerk_zeynep, amina, purpose="referral", decision="given", language="ar", recipient=CENTRE
    )
    referral = referrals.make_referral(
        clerk_zeynep, amina, provider=provider, reason="Legal aid", urgency="routine"
    )
    assert slips.language_for(amina) == "ar"
    html = slips.referral_html(referral, "ar")
    assert 'dir="rtl"' in html and "Referral slip" not in html
    assert 'dir="ltr"' in slips.referral_html(referral, "tr") and "Sevk" in slips.referral_html(
        referral, "tr"
    )


def test_editing_and_deleting_from_the_page_keeps_the_history(
    login, nurse_elif, amina, haliliye_centre
):
    client = login(nurse_elif)
    client.post(
        f"/services/people/{amina.pk}/record/",
        {
            "service_type": a_service("health", "person").code,
            "at": when(),
            "location": haliliye_centre.pk,
            "modality": "centre",
            "notes": "first",
        },
    )
    event = ServiceEvent.objects.get()
    changed = client.post(
        f"/services/events/{event.pk}/",
        {
            "action": "edit",
            "service_type": event.service_type.code,
            "at": when(2),
            "location": haliliye_centre.pk,
            "modality": "home_visit",
            "notes": "second",
        },
    )
    assert changed.status_code == 302
    client.post(f"/services/events/{event.pk}/", {"action": "void", "reason": "wrong person"})
    event.refresh_from_db()
    assert event.voided_at and event.versions.count() == 2
    page = client.get(f"/services/events/{event.pk}/").content.decode()
    assert "wrong person" in page and "first" in page


def test_an_administrator_adds_an_interpreting_language(login, admin_selin, clerk_zeynep):
    from kopru.core.models import AuditEvent
    from kopru.services.models import InterpretingLanguage

    client = login(admin_selin)
    client.post("/services/catalogue/languages/", {"code": " TIR "})
    assert InterpretingLanguage.objects.filter(mission=mission("TR"), code="tir").exists()
    assert AuditEvent.objects.filter(object_type="services.interpretinglanguage").count() == 1
    before = InterpretingLanguage.objects.count()
    bad = client.post("/services/catalogue/languages/", {"code": "xx1"}, follow=True)
    assert "ISO 639-3" in bad.content.decode() and InterpretingLanguage.objects.count() == before
    refused = login(clerk_zeynep).post("/services/catalogue/languages/", {"code": "som"})
    assert refused.status_code == 403
