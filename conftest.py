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
def _reference_data(request, django_db_blocker):
    """Transactional tests (browser, worker) flush every table; put the reference back."""
    marker = request.node.get_closest_marker("django_db")
    if not marker and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    from kopru.core.models import Role

    with django_db_blocker.unblock():
        if not Role.objects.exists():
            call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """A request in another language leaves it active in the thread; each test starts afresh."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_hashing_and_tasks(settings):
    # Argon2 stays the production hasher (tested in test_auth); tests need speed elsewhere.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True
    settings.DEMO_SCALE = 0.02  # a sliver of the demo year of services
