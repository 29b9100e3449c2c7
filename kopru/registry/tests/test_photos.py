"""A person's photograph: optional, sensitive, with consent, every view audited."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import make_user
from kopru.registry import services
from kopru.registry.models import Photo

from .test_register import person

pytestmark = pytest.mark.django_db


def picture(size=(1600, 1200), fmt="JPEG", gps=True):
    """A camera-sized picture carrying the EXIF a phone writes: orientation and position."""
    img = Image.new("RGB", size, (180, 120, 90))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (37.0, 9.0, 36.0), 3: "E", 4: (38.0, 47.0, 48.0)}
        exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    img.save(out, fmt, exif=exif) if fmt == "JPEG" else img.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def amina(clerk_zeynep, haliliye_centre):
    return services.register_person(
        clerk_zeynep, person(haliliye_centre, given_name="Amina", sex="female")
    )


def consent_to_photo(clerk, who, decision="given"):
    services.record_consent(clerk, who, purpose="photo", decision=decision, language="ar")


def test_no_photograph_without_consent(clerk_zeynep, amina):
    with pytest.raises(ValidationError) as exc:
        services.set_photo(clerk_zeynep, amina, picture())
    assert "consent" in str(exc.value)
    assert not Photo.objects.exists()


def test_what_is_kept_is_small_upright_and_without_the_phones_metadata(clerk_zeynep, amina):
    consent_to_photo(clerk_zeynep, amina)
    photo = services.set_photo(clerk_zeynep, amina, picture())
    kept = Image.open(io.BytesIO(bytes(photo.image)))
    assert kept.format == "JPEG" and max(kept.size) == 600 and kept.size == (600, 450)
    assert not kept.getexif()  # no GPS position, no camera
    assert AuditEvent.objects.filter(action="create", object_type="registry.photo").count() == 1
    # A second photograph replaces the first.
    services.set_photo(clerk_zeynep, amina, picture((300, 400), fmt="PNG", gps=False))
    assert Photo.objects.filter(person=amina).count() == 1


@pytest.mark.parametrize(
    "data", [b"", b"not a picture at all", b"GIF89a" + b"\0" * 40], ids=["empty", "text", "gif"]
)
def test_a_file_that_is_not_a_picture_is_refused(clerk_zeynep, amina, data):
    consent_to_photo(clerk_zeynep, amina)
    with pytest.raises(ValidationError):
        services.set_photo(clerk_zeynep, amina, data)
    assert not Photo.objects.exists()


def test_withdrawing_consent_erases_the_photograph(clerk_zeynep, amina):
    consent_to_photo(clerk_zeynep, amina)
    services.set_photo(clerk_zeynep, amina, picture())
    consent_to_photo(clerk_zeynep, amina, "withdrawn")
    assert not Photo.objects.exists()
    erased = AuditEvent.objects.get(action="delete", object_type="registry.photo")
    assert erased.details["reason"] == "consent_withdrawn"


def test_every_view_is_audited_and_only_roles_that_need_it_see_it(
    login, client, clerk_zeynep, amina, sanliurfa_team
):
    consent_to_photo(clerk_zeynep, amina)
    services.set_photo(clerk_zeynep, amina, picture())
    web = login(clerk_zeynep)
    page = web.get(amina.get_absolute_url()).content.decode()
    assert f"/registry/people/{amina.pk}/photo/" in page
    assert not AuditEvent.objects.filter(action="view", object_type="registry.photo").exists()
    for _ in range(2):
        image = web.get(f"/registry/people/{amina.pk}/photo/")
        assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
        assert "no-store" in image["Cache-Control"]
    views = AuditEvent.objects.filter(action="view", object_type="registry.photo")
    assert views.count() == 2 and {v.actor for v in views} == {clerk_zeynep}

    # An education officer of the same team registers people but has no need of their faces.
    teacher = make_user("teacher_deniz", "education_officer", teams=[sanliurfa_team])
    web = login(teacher)
    page = web.get(amina.get_absolute_url()).content.decode()
    assert "/photo/" not in page
    assert web.get(f"/registry/people/{amina.pk}/photo/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.set_photo(teacher, amina, picture())


def test_the_person_page_takes_and_removes_a_photograph(login, clerk_zeynep, amina):
    web = login(clerk_zeynep)
    url = f"/registry/people/{amina.pk}/photo/upload/"
    page = web.get(amina.get_absolute_url()).content.decode()
    assert "has not consented to a photograph" in page and url not in page
    consent_to_photo(clerk_zeynep, amina)
    assert url in web.get(amina.get_absolute_url()).content.decode()

    bad = web.post(url, {"photo": SimpleUploadedFile("x.jpg", b"nope")}, follow=True)
    assert "not a picture Kopru can read" in bad.content.decode()
    web.post(url, {"photo": SimpleUploadedFile("me.jpg", picture(), "image/jpeg")})
    assert Photo.objects.filter(person=amina).exists()

    web.post(f"/registry/people/{amina.pk}/photo/remove/")
    assert not Photo.objects.exists()
    assert AuditEvent.objects.get(action="delete", object_type="registry.photo").details == {
        "fields": ["photo"],
        "reason": "removed",
    }


def test_the_error_is_in_the_readers_language(login, clerk_zeynep, amina):
    consent_to_photo(clerk_zeynep, amina)
    web = login(clerk_zeynep)
    bad = web.post(
        f"/registry/people/{amina.pk}/photo/upload/",
        {"photo": SimpleUploadedFile("x.jpg", b"nope")},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="tr",
    )
    assert "Bu dosya Kopru’nun okuyabildiği bir resim değil." in bad.content.decode()
