"""Shared fixtures: reference data loaded once per test database, and named people
(CONVENTIONS.md) so that permission tests read like sentences."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    from kopru.core import audit_guard

    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        # Tests flush the database between cases; test_audit re-installs these where it
        # checks them.
        audit_guard.remove(connection)


@pytest.fixture(autouse=True)
def _fast_hashing_and_tasks(settings):
    # Argon2 stays the production hasher (tested in test_auth); tests need speed elsewhere.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True
