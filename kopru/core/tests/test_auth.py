"""Signing in: argon2 hashes, lock-out, a second factor per role, secure headers."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kopru.core.models import Role

from .factories import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_passwords_are_stored_as_argon2(settings, admin_selin):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    admin_selin.set_password(PASSWORD)
    admin_selin.save()
    assert admin_selin.password.startswith("argon2$argon2id$")


def test_sign_in_with_username_and_password(client, clerk_zeynep):
    response = client.post("/login/", {"username": "clerk_zeynep", "password": PASSWORD})
    assert response.status_code == 302
    assert "Welcome" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_with_a_clear_message(client, clerk_zeynep):
    response = client.post("/login/", {"username": "clerk_zeynep", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, clerk_zeynep, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "clerk_zeynep", "password": "guess"})
    response = client.post("/login/", {"username": "clerk_zeynep", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get("/").status_code == 302  # still signed out


def test_a_role_that_requires_a_second_factor_must_enrol_then_verify(client, dr_ayse):
    assert Role.objects.get(slug="physician").require_otp
    client.post("/login/", {"username": "dr_ayse", "password": PASSWORD})
    response = client.get("/teams/")
    assert response.status_code == 302 and "/login/two-step/" in response["Location"]
    # The API refuses a session that has not passed the second step.
    assert client.get("/api/v1/core/me").status_code == 401
    page = client.get("/login/two-step/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=dr_ayse)
    assert "not right" in client.post("/login/two-step/", {"token": "000000"}).content.decode()
    # Straight after a wrong code the device is throttled, whatever is typed.
    retry = client.post("/login/two-step/", {"token": _code(device)}).content.decode()
    assert "wait a few seconds" in retry
    device.refresh_from_db()
    device.throttle_reset()  # as if the seconds had passed
    response = client.post("/login/two-step/", {"token": _code(device), "next": "/teams/"})
    assert response.status_code == 302
    assert client.get("/teams/").status_code == 200

    # Next time: password, then the code from the app.
    client.logout()
    client.post("/login/", {"username": "dr_ayse", "password": PASSWORD})
    assert "/login/verify/" in client.get("/teams/")["Location"]
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    client.post("/login/verify/", {"token": _code(device)})
    assert client.get("/teams/").status_code == 200


def test_an_administrator_can_require_the_second_factor_for_a_role(
    login, admin_selin, clerk_zeynep, client
):
    client = login(admin_selin)
    clerk = Role.objects.get(slug="clerk")
    response = client.post(
        f"/admin/roles/{clerk.pk}/",
        {
            "require_otp": "on",
            "categories": ["general"],
            "capabilities": [],
        },
    )
    assert response.status_code == 302
    assert Role.objects.get(slug="clerk").require_otp
    client.logout()
    client.post("/login/", {"username": "clerk_zeynep", "password": PASSWORD})
    assert "/login/two-step/" in client.get("/")["Location"]


def test_security_headers(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_browsers_favicon_request_finds_the_icon_without_signing_in(client):
    """A browser showing a PDF or a photo alone asks for /favicon.ico (it was a 404)."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("kopru/favicon.svg")


def test_production_settings_pass_the_deploy_check(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "KOPRU_ENV": "production",
        "KOPRU_SECRET_KEY": "x" * 20 + "Yz9!" * 12,
        "KOPRU_ALLOWED_HOSTS": "kopru.example.org",
        "KOPRU_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_user_changes_their_own_password(login, clerk_zeynep, client):
    from kopru.core.models import AuditEvent

    client = login(clerk_zeynep)
    wrong = client.post(
        "/profile/password/",
        {
            "old_password": "not it",
            "new_password1": "a-new-passphrase-7",
            "new_password2": "a-new-passphrase-7",
        },
    )
    assert wrong.status_code == 200
    clerk_zeynep.refresh_from_db()
    assert clerk_zeynep.check_password(PASSWORD)
    response = client.post(
        "/profile/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-passphrase-7",
            "new_password2": "a-new-passphrase-7",
        },
    )
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200  # still signed in
    clerk_zeynep.refresh_from_db()
    assert clerk_zeynep.check_password("a-new-passphrase-7")
    assert AuditEvent.objects.filter(action="change", details__password_changed=True).exists()


def test_an_administrator_resets_a_lost_authenticator(login, admin_selin, dr_ayse, client):
    TOTPDevice.objects.create(user=dr_ayse, name="old phone", confirmed=True)
    admin = login(admin_selin)
    Role.objects.filter(slug="physician").update(require_otp=True)
    page = admin.get(f"/admin/users/{dr_ayse.pk}/").content.decode()
    assert "Reset two-step sign-in" in page
    admin.post(f"/admin/users/{dr_ayse.pk}/reset-two-step/")
    assert not TOTPDevice.objects.filter(user=dr_ayse).exists()
    admin.logout()
    client.post("/login/", {"username": "dr_ayse", "password": PASSWORD})
    assert "/login/two-step/" in client.get("/")["Location"]  # enrols a new phone


def test_a_profile_change_is_saved_and_audited(login, clerk_zeynep):
    from kopru.core.models import AuditEvent

    client = login(clerk_zeynep)
    response = client.post(
        "/profile/",
        {"first_name": "Zeynep", "last_name": "Kaya", "email": "", "phone": "", "language": "tr"},
    )
    assert response.status_code == 302
    clerk_zeynep.refresh_from_db()
    assert (clerk_zeynep.last_name, clerk_zeynep.language) == ("Kaya", "tr")
    event = AuditEvent.objects.filter(action="change", object_id=str(clerk_zeynep.pk)).last()
    assert event.actor == clerk_zeynep and "language" in event.details["fields"]
