"""Health records leaving the organisation (to immigration or public-health authorities, a
receiving clinic): refused without the person's consent for that recipient (purpose "sharing
with an authority"), and each one recorded (what, to whom, why, by whom) and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kopru.core import audit
from kopru.core.models import AuditEvent, Sensitivity
from kopru.registry.consent import granting
from kopru.registry.models import ConsentPurpose

from . import ips
from .models import Disclosure
from .services import ensure_clinical

DOCUMENTS = {
    "ips": "FHIR International Patient Summary",
    "authority_forms": "Destination's examination forms (PDF)",
}


def disclose(
    actor,
    person,
    *,
    document,
    recipient,
    purpose,
    case=None,
    channel="download",
    include_mental_health=False,
    request=None,
):
    """Make `document` for `recipient` and record that it left: the IPS as a JSON-ready dict,
    the destination's forms as PDF bytes. Raises ValidationError, writing nothing, without a
    matching consent."""
    ensure_clinical(actor, person, "health.disclose")
    if include_mental_health:
        ensure_clinical(actor, person, "health.disclose", Sensitivity.MENTAL_HEALTH)
    recipient, purpose = (recipient or "").strip(), (purpose or "").strip()
    errors = {}
    if document not in DOCUMENTS:
        errors["document"] = _("Choose what to share.")
    if document == "authority_forms" and case is None:
        errors["document"] = _("The examination forms belong to a health assessment.")
    if not recipient:
        errors["recipient"] = _("Name the authority or clinic that receives the record.")
    if not purpose:
        errors["purpose"] = _("Say why the record is shared.")
    if case is not None and case.person_id != person.pk:
        errors["case"] = _("That health assessment is another person's.")
    consent = granting(person, ConsentPurpose.SHARING_AUTHORITY, recipient) if recipient else None
    if recipient and consent is None:
        errors["recipient"] = _(
            "%(person)s has not consented to sharing their health record with %(recipient)s. "
            "Record that consent (purpose: sharing with an authority) first."
        ) % {"person": person, "recipient": recipient}
    if errors:
        raise ValidationError(errors)
    if document == "ips":
        content = ips.build(
            person, case=case, author=actor, include_mental_health=include_mental_health
        )
        reference = content.get("identifier", {}).get("value", "")
    else:
        from . import authority_forms

        content, reference = authority_forms.forms_pdf(case, author=actor), case.number
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            mission=person.mission,
            person=person,
            case=case,
            document=document,
            recipient=recipient[:150],
            purpose=purpose[:200],
            consent=consent,
            channel=channel[:20],
            by=actor,
        )
        if case is not None:
            _share_event(actor, case, request)
        audit.record(
            actor,
            AuditEvent.Action.DISCLOSE,
            person,
            request=request,
            category=Sensitivity.HEALTH,
            details={
                "document": document,
                "recipient": disclosure.recipient,
                "purpose": disclosure.purpose,
                "channel": disclosure.channel,
                "consent": str(consent.uid),
                "reference": reference,
                "mental_health": include_mental_health,
            },
        )
    return content, disclosure


def _share_event(actor, case, request):
    """Sharing with an authority is itself a service the person received (seed 001)."""
    from .assessments import _event

    _event(actor, case, "health_information_sharing", request=request)


def disclose_ips(actor, person, **kwargs):
    return disclose(actor, person, document="ips", **kwargs)
