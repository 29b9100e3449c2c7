"""Consent as events, per purpose and recipient, with guardians for children."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kopru.core.models import AuditEvent
from kopru.registry import consent, services
from kopru.registry.models import ConsentEvent

from .test_register import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def adult(clerk_zeynep, haliliye_centre):
    return services.register_person(clerk_zeynep, person(haliliye_centre))


@pytest.fixture
def child(clerk_zeynep, haliliye_centre):
    return services.register_person(
        clerk_zeynep,
        person(
            haliliye_centre,
            given_name="Yusuf",
            birth_date=date.today() - timedelta(days=3650),
            birth_date_precision="exact",
        ),
    )


def test_texts_exist_for_every_purpose_in_six_languages():
    for purpose in (
        "registration",
        "service_delivery",
        "referral",
        "sharing_authority",
        "photo",
        "contact",
    ):
        for lang in ("tr", "ar", "fa", "en", "so", "am"):
            assert consent.text(purpose, lang), (purpose, lang)
    assert "Mercy Corps" in consent.text("referral", "ar", "Mercy Corps")


def test_the_state_is_the_latest_decision(clerk_zeynep, adult):
    t0 = timezone.now()
    services.record_consent(
        clerk_zeynep, adult, purpose="contact", decision="given", language="ar", at=t0
    )
    assert consent.allows(adult, "contact")
    services.record_consent(
        clerk_zeynep,
        adult,
        purpose="contact",
        decision="withdrawn",
        language="ar",
        at=t0 + timedelta(minutes=5),
    )
    assert not consent.allows(adult, "contact")
    assert ConsentEvent.objects.filter(person=adult).count() == 2  # nothing overwritten
    assert AuditEvent.objects.filter(object_type="registry.consentevent").count() == 2


def test_referral_consent_to_one_organisation_does_not_allow_another(clerk_zeynep, adult):
    services.record_consent(
        clerk_zeynep,
        adult,
        purpose="referral",
        decision="given",
        language="tr",
        recipient="Turkish Red Crescent",
    )
    assert consent.allows(adult, "referral", "turkish red crescent")
    assert not consent.allows(adult, "referral", "ASAM")
    assert not consent.allows(adult, "sharing_authority", "Turkish Red Crescent")


def test_referral_and_sharing_must_name_the_recipient(clerk_zeynep, adult):
    with pytest.raises(ValidationError) as exc:
        services.record_consent(
            clerk_zeynep, adult, purpose="sharing_authority", decision="given", language="fa"
        )
    assert "recipient" in exc.value.message_dict
    assert not ConsentEvent.objects.exists()


def test_a_text_must_exist_in_the_language_recorded(clerk_zeynep, adult):
    with pytest.raises(ValidationError) as exc:
        services.record_consent(
            clerk_zeynep, adult, purpose="photo", decision="given", language="zz"
        )
    assert "language" in exc.value.message_dict


def test_a_childs_consent_is_given_by_a_recorded_guardian(clerk_zeynep, child, adult):
    with pytest.raises(ValidationError) as exc:
        services.record_consent(
            clerk_zeynep, child, purpose="registration", decision="given", language="ar"
        )
    assert "guardian" in exc.value.message_dict
    event = services.record_consent(
        clerk_zeynep,
        child,
        purpose="registration",
        decision="given",
        language="ar",
        guardian=adult,
        guardian_relationship="father",
        interpreter="Rania H.",
    )
    assert event.guardian == adult and event.text_version == consent.version()


def test_record_consent_on_the_page(login, clerk_zeynep, adult):
    client = login(clerk_zeynep)
    page = client.get(f"/registry/people/{adult.pk}/consent/?purpose=photo&language=so")
    assert consent.text("photo", "so") in page.content.decode()
    response = client.post(
        f"/registry/people/{adult.pk}/consent/",
        {
            "purpose": "referral",
            "recipient": "ASAM",
            "language": "ar",
            "decision": "given",
            "interpreter": "Rania H.",
        },
    )
    assert response.status_code == 302
    detail = client.get(adult.get_absolute_url()).content.decode()
    assert "ASAM" in detail and "Given" in detail
    refused = client.post(
        f"/registry/people/{adult.pk}/consent/",
        {"purpose": "referral", "recipient": "", "language": "ar", "decision": "given"},
    )
    assert refused.status_code == 200
    assert ConsentEvent.objects.count() == 1


def test_consent_through_the_api(client, clerk_zeynep, adult):
    import json
    import uuid

    from kopru.core.services import issue_token

    headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(clerk_zeynep, name='t')[1]}"}
    body = {"uid": str(uuid.uuid4()), "purpose": "contact", "decision": "given", "language": "tr"}
    url = f"/api/v1/registry/people/{adult.pk}/consents"
    first = client.post(url, json.dumps(body), content_type="application/json", **headers)
    again = client.post(url, json.dumps(body), content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    listed = client.get(url, **headers).json()
    assert [e["decision"] for e in listed] == ["given"]
    bad = client.post(
        url,
        json.dumps({**body, "uid": None, "purpose": "referral"}),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400 and "recipient" in bad.json()["error"]["fields"]


def test_no_decision_is_chosen_for_the_person(login, clerk_zeynep, adult):
    """Consent is what the person says: the form preselects nothing, and sending it without
    a decision records nothing."""
    client = login(clerk_zeynep)
    page = client.get(f"/registry/people/{adult.pk}/consent/").content.decode()
    assert 'type="radio"' in page and "checked" not in page
    assert 'class="form-check-input"' in page  # radios drawn as radios, not text boxes
    response = client.post(
        f"/registry/people/{adult.pk}/consent/",
        {"purpose": "registration", "language": "tr"},
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert ConsentEvent.objects.count() == 0
