"""Background work of the core app, through the django.tasks API."""

from django_tasks import task


@task()
def verify_audit_chain(check_id: int):
    from .models import AuditVerification
    from .services import run_audit_verification

    check = AuditVerification.objects.get(pk=check_id)
    return run_audit_verification(check).ok
