"""Background work through django.tasks with the database queue, and the demo data."""

import pytest
from django.core.management import call_command

from kopru.core.models import AuditEvent, AuditVerification, Role, Team, User

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_the_database_queue_holds_work_until_a_worker_runs_it(settings, admin_selin):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from django_tasks_db.models import DBTaskResult

    from kopru.core.tasks import verify_audit_chain

    check = AuditVerification.objects.create(requested_by=admin_selin)
    result = verify_audit_chain.enqueue(check.pk)
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    check.refresh_from_db()
    assert check.ok is None  # nothing ran yet
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    check.refresh_from_db()
    assert check.ok is True
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


def test_the_database_follows_kopru_database_url(settings):
    """SQLite (WAL, busy timeout, IMMEDIATE) by default; PostgreSQL when the URL says so."""
    import os

    from django.db import connection

    url = os.environ.get("KOPRU_DATABASE_URL", "")
    if url.startswith("postgres"):
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            assert int(cursor.fetchone()[0]) >= 150000
        return
    assert connection.vendor == "sqlite"
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_the_demo_has_a_user_per_role_and_loads_twice_without_change(settings):
    call_command("load_demo", verbosity=0)
    counts = (User.objects.count(), Team.objects.count(), AuditEvent.objects.count())
    call_command("load_demo", verbosity=0)
    assert (User.objects.count(), Team.objects.count(), AuditEvent.objects.count()) == counts
    for role in Role.objects.all():
        user = User.objects.get(username=role.slug)
        assert user.role == role and user.check_password(settings.DEMO_PASSWORD)
        assert not role.require_otp
    assert set(User.objects.get(username="admin").missions.values_list("code", flat=True)) == {
        "TR",
        "BY",
    }


def test_every_located_demo_role_has_a_team(settings):
    call_command("load_demo", verbosity=0)
    for username in ("physician", "nurse", "counsellor", "caseworker", "clerk"):
        assert User.objects.get(username=username).teams.exists(), username


def test_the_demo_has_people_and_duplicates_waiting_for_review(settings):
    from kopru.registry.dedup.batch import run
    from kopru.registry.models import DedupRun, DuplicateCandidate, Person

    call_command("load_demo", verbosity=0)
    # 300 people and 8 registered twice by the registry demo; the services demo adds families.
    assert Person.objects.filter(mission__code="TR").count() >= 308
    # The worker runs the queued search; here the test runs it.
    run(DedupRun.objects.get().pk)
    assert DuplicateCandidate.objects.filter(status="open").count() >= 6
