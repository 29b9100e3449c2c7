"""Sign-ins, sign-outs and failed attempts go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .models import AuditEvent


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if user.language:
        request.session["kopru_language"] = user.language
    audit.record(user, AuditEvent.Action.LOGIN, user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(user, AuditEvent.Action.LOGOUT, user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username", ""))[:150]
    audit.record(
        name,
        AuditEvent.Action.LOGIN_FAILED,
        object_type="core.user",
        object_repr=name,
        request=request,
    )
