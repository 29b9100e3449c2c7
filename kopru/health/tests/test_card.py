"""The vaccination card: a PDF in the person's language whose QR code carries the FHIR
Immunization entries, printed only by clinical roles and audited as an export."""

from datetime import timedelta

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from kopru.core.models import AuditEvent
from kopru.health import card, ips, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaccinated(dr_ayse, yusuf):
    for cvx, days in (("08", 0), ("08", 30), ("03", 400)):
        services.record_immunization(
            dr_ayse,
            yusuf,
            cvx=cvx,
            given_on=yusuf.birth_date + timedelta(days=days),
            source="card",
        )
    return yusuf


def test_the_qr_payload_unpacks_to_a_valid_fhir_bundle_of_the_doses(vaccinated):
    payload = card.pack(ips.immunization_bundle(vaccinated))
    assert payload.startswith("FHIR1:") and len(payload) < 2000
    bundle = Bundle.model_validate(card.unpack(payload))
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds == ["Patient", "Immunization", "Immunization", "Immunization"]
    assert bundle.entry[3].resource.vaccineCode.coding[0].code == "03"


def test_base45_round_trips_any_bytes():
    assert card.base45(b"AB") == "BB8"  # RFC 9285's example
    for data in (b"", b"a", bytes(range(256))):
        assert card.unbase45(card.base45(data)) == data


def test_the_card_prints_for_the_physician_and_is_audited(login, dr_ayse, vaccinated):
    url = reverse("health:vaccination_card", args=[vaccinated.pk])
    response = login(dr_ayse).get(url, {"lang": "ar"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AuditEvent.objects.get(action="export", object_id=str(vaccinated.pk))
    assert entry.category == "health" and entry.details == {"vaccination_card": "ar"}


def test_a_case_worker_cannot_print_it(login, caseworker_istanbul, vaccinated):
    url = reverse("health:vaccination_card", args=[vaccinated.pk])
    assert login(caseworker_istanbul).get(url).status_code == 403
