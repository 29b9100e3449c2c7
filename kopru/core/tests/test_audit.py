"""The audit log: append-only at the database, hash-chained, verifiable, readable by admins."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from kopru.core import audit, audit_guard
from kopru.core.models import AuditEvent, AuditVerification

pytestmark = pytest.mark.django_db


def _entries(n, actor="system"):
    return [
        audit.record(actor, AuditEvent.Action.VIEW, object_type="test.record", object_id=str(i))
        for i in range(n)
    ]


def _drop_triggers():
    """What someone with database access could do; the chain must still catch them."""
    audit_guard.remove(connection)


def test_entries_form_a_gapless_chain():
    first, second, third = _entries(3)
    assert (second.seq, third.seq) == (first.seq + 1, first.seq + 2)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert audit.verify()[1] == []


def test_the_database_refuses_to_change_or_delete_an_entry():
    audit_guard.install(connection)  # as migration 0002 does (rolled back with this test)
    (entry,) = _entries(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).update(actor_name="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).delete()
    assert AuditEvent.objects.get(pk=entry.pk).actor_name == "system"


def test_verify_audit_catches_an_edited_row(capsys):
    entries = _entries(4)
    call_command("verify_audit")
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET object_id = %s WHERE seq = %s", ["999", entries[1].seq]
        )
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("verify_audit")
    assert f"entry {entries[1].seq}: content does not match its hash" in capsys.readouterr().err


def test_verify_audit_catches_a_removed_row(capsys):
    entries = _entries(4)
    _drop_triggers()
    AuditEvent.objects.filter(pk=entries[2].pk).delete()
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"entry {entries[3].seq}: missing entries" in err


def test_a_recomputed_hash_without_the_key_is_still_caught(settings):
    """Rewriting an entry and its hash needs the audit key, which the database does not hold."""
    entries = _entries(2)
    _drop_triggers()
    forged = AuditEvent.objects.get(pk=entries[0].pk)
    forged.object_id = "forged"
    settings.AUDIT_KEY = "a guess"
    forged_hash = audit.compute_hash(forged)
    settings.AUDIT_KEY = settings.SECRET_KEY
    AuditEvent.objects.filter(pk=forged.pk).update(object_id="forged", hash=forged_hash)
    problems = audit.verify()[1]
    assert {p["seq"] for p in problems} == {entries[0].seq, entries[1].seq}


def test_sign_in_and_failed_sign_in_are_audited(client, admin_selin):
    from .factories import PASSWORD

    client.post("/login/", {"username": "admin_selin", "password": "wrong password"})
    client.post("/login/", {"username": "admin_selin", "password": PASSWORD})
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", "actor_name"))
    assert ("login_failed", "admin_selin") in actions
    assert ("login", "admin_selin") in actions
    assert AuditEvent.objects.filter(action="login").first().ip_address == "127.0.0.1"


def test_administrators_filter_the_log_in_the_interface(login, admin_selin):
    client = login(admin_selin)
    audit.record(
        admin_selin,
        AuditEvent.Action.EXPORT,
        object_type="core.project",
        object_id="7",
        object_repr="MHD-2026 export",
        mission=admin_selin.missions.get(code="TR"),
    )
    audit.record(
        admin_selin,
        AuditEvent.Action.CHANGE,
        object_type="core.team",
        object_id="1",
        object_repr="Team renamed",
        mission=admin_selin.missions.get(code="TR"),
    )
    page = client.get("/admin/audit/?action=export").content.decode()
    assert "MHD-2026 export" in page and "Team renamed" not in page


def test_the_integrity_check_runs_as_a_background_task(
    login, admin_selin, django_capture_on_commit_callbacks
):
    client = login(admin_selin)
    _entries(3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/audit/verify/")
    assert response.status_code == 302
    check = AuditVerification.objects.get()
    assert check.ok is True and check.checked == AuditEvent.objects.count()
    assert "intact" in client.get("/admin/audit/").content.decode()
