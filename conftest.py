"""Shared fixtures: reference data loaded once per test database, and named people
(CONVENTIONS.md) so that permission tests read like sentences."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference")


@pytest.fixture(autouse=True)
def _fast_hashing_and_tasks(settings):
    # Argon2 stays the production hasher (tested in test_auth); tests need speed elsewhere.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True
