"""/api/v1/assistance/ as the provider's integration meets it: a redemption file posted is
imported whole or refused whole with every line, twice is once, and the reconciliation reads
back balanced."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kopru.assistance.models import Redemption
from kopru.core.tests.api_client import Api

from .test_cards import cycle  # noqa: F401  (the fixture)
from .test_redemptions import _file, loaded  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _post(client, user, target, content):
    api = Api(client, user, "assistance")
    upload = SimpleUploadedFile("redemptions.csv", content, content_type="text/csv")
    return api.post(f"/cycles/{target.pk}/redemptions", data={"file": upload})


def test_a_posted_file_is_imported_once_and_reconciled(client, no_otp, cash_canan, loaded):  # noqa: F811
    content = _file([["A1", "C1001", "M100", "2026-12-03 10:00:00", "100,00", "food"]])
    answer = _post(client, cash_canan, loaded, content)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["imported"] == 1 and body["reconciliation"]["balances"] is True
    assert body["reconciliation"]["redeemed"] == "100.00"
    again = _post(client, cash_canan, loaded, content)
    assert again.status_code == 200 and again.json()["already"] is True
    read = Api(client, cash_canan, "assistance").get(f"/cycles/{loaded.pk}/reconciliation")
    assert read.status_code == 200 and read.json()["transactions"] == 1


def test_a_bad_file_is_refused_with_every_line(client, no_otp, cash_canan, loaded):  # noqa: F811
    content = _file(
        [
            ["A1", "NOPE", "M100", "2026-12-03 10:00:00", "100,00", "food"],
            ["A2", "C1001", "M100", "not a time", "100,00", "food"],
        ]
    )
    answer = _post(client, cash_canan, loaded, content)
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "Line 2" in text and "Line 3" in text
    assert not Redemption.objects.exists()


def test_the_programme_list_needs_the_assistance_role(
    client, no_otp, cash_canan, clerk_zeynep, programme
):
    assert Api(client, clerk_zeynep, "assistance").get("/programmes").status_code == 403
    rows = Api(client, cash_canan, "assistance").get("/programmes").json()
    assert [r["code"] for r in rows] == ["MPC-URFA"]
