"""Every write to core data. Each function takes the acting user first, checks access,
validates, writes in one transaction and appends the audit entry (CONVENTIONS.md)."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, audit
from .models import (
    ApiToken,
    AuditEvent,
    AuditVerification,
    Donor,
    Location,
    Mission,
    Project,
    ProjectTarget,
    Role,
    Team,
    User,
)

TOKEN_PREFIX = "kpr_"  # noqa: S105 (a marker, not a secret)


def _changes(instance, fields):
    return {f: str(getattr(instance, f)) for f in fields}


def _save(actor, instance, *, request=None, action=None, m2m=None):
    """Validate and save one record with its many-to-many values, and audit it."""
    is_new = instance._state.adding
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        audit.record(
            actor,
            action or (AuditEvent.Action.CREATE if is_new else AuditEvent.Action.CHANGE),
            instance,
            request=request,
        )
    return instance


def _ensure_mission(actor, mission):
    if not access.in_mission(actor, mission):
        raise PermissionDenied(_("You do not work in this mission."))


# --- Missions -------------------------------------------------------------------------------


def save_mission(actor, mission: Mission, *, request=None):
    access.require(actor, "core.manage_missions")
    is_new = mission._state.adding
    if not is_new:
        _ensure_mission(actor, mission)
    with transaction.atomic():
        _save(actor, mission, request=request)
        if is_new:
            # Whoever opens a mission administers it.
            actor.missions.add(mission)
    return mission


# --- Locations ------------------------------------------------------------------------------


def _check_parent(location: Location):
    expected = Location.PARENT_LEVEL.get(location.level)
    if location.level == Location.Level.COUNTRY:
        if location.parent_id:
            raise ValidationError({"parent": _("A country has no parent location.")})
        return
    if location.parent is None or location.parent.level != expected:
        raise ValidationError(
            {
                "parent": _("A %(level)s must sit under a %(parent)s.")
                % {
                    "level": location.get_level_display().lower(),
                    "parent": Location.Level(expected).label.lower(),
                }
            }
        )
    if location.parent.mission_id != location.mission_id:
        raise ValidationError({"parent": _("The parent belongs to another mission.")})


def save_location(actor, location: Location, *, request=None):
    access.require(actor, "core.manage_locations")
    _ensure_mission(actor, location.mission)
    if location.level != Location.Level.SITE:
        location.site_type = ""
    elif not location.site_type:
        raise ValidationError({"site_type": _("Say what kind of site this is.")})
    _check_parent(location)
    if not location.pcode and location.parent is not None:
        location.pcode = _next_child_code(location.parent)
    old_path = None if location._state.adding else Location.objects.get(pk=location.pk).path
    parent_path = location.parent.path if location.parent else ""
    location.path = f"{parent_path}{location.pcode}/"
    with transaction.atomic():
        _save(actor, location, request=request)
        if old_path and old_path != location.path:
            _repath_descendants(old_path, location.path)
    return location


def _repath_descendants(old_path, new_path):
    for child in Location.objects.filter(path__startswith=old_path).exclude(path=new_path):
        child.path = new_path + child.path[len(old_path) :]
        child.save(update_fields=["path"])


def _next_child_code(parent: Location):
    """A district gets its province's code and two digits (BY0201); a site gets its district's
    code and three (TR3401-001)."""
    site = parent.level == Location.Level.DISTRICT
    taken = set(parent.children.values_list("pcode", flat=True))
    n = len(taken) + 1
    while (code := f"{parent.pcode}-{n:03d}" if site else f"{parent.pcode}{n:02d}") in taken:
        n += 1
    return code


def create_site(actor, *, mission, parent, name, site_type, uid=None, request=None):
    """Idempotent on the client's uid: sending the same site twice stores it once."""
    if uid:
        existing = Location.objects.filter(uid=uid).first()
        if existing:
            _ensure_mission(actor, existing.mission)
            return existing
    site = Location(
        mission=mission,
        parent=parent,
        level=Location.Level.SITE,
        name=name,
        site_type=site_type,
        uid=uid or uuid.uuid4(),
    )
    return save_location(actor, site, request=request)


# --- Users, teams, roles --------------------------------------------------------------------


def is_locked_out(user) -> bool:
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def update_profile(actor, user: User, *, request=None):
    """A user's own name, contacts and language (the form has set them on `user`)."""
    if user.pk != actor.pk:
        raise PermissionDenied(_("You can only change your own profile."))
    if user.language and user.language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of Kopru's languages.")})
    user.full_clean(exclude=["password"])
    fields = ["first_name", "last_name", "email", "phone", "language"]
    with transaction.atomic():
        user.save(update_fields=fields)
        audit.record(
            actor, AuditEvent.Action.CHANGE, user, request=request, details={"fields": fields}
        )
    return user


def change_password(actor, *, old_password, new_password, request=None):
    from django.contrib.auth.password_validation import validate_password

    if not actor.check_password(old_password):
        raise ValidationError({"old_password": _("Your current password is not right.")})
    validate_password(new_password, actor)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            actor,
            request=request,
            details={"password_changed": True},
        )
    return actor


def _ensure_manages(actor, user: User):
    access.require(actor, "core.manage_users")
    if not user.missions.filter(pk__in=access.missions(actor)).exists():
        raise PermissionDenied(_("This user does not work in your missions."))


def reset_second_factor(actor, user: User, *, request=None):
    """Remove a user's authenticator (a lost phone); they enrol again at their next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _ensure_manages(actor, user)
    with transaction.atomic():
        removed, _detail = TOTPDevice.objects.filter(user=user).delete()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            user,
            request=request,
            details={"second_factor_reset": removed},
        )
    return removed


def unlock_user(actor, user: User, *, request=None):
    """Lift a sign-in lock-out (django-axes) before it expires by itself."""
    from axes.utils import reset

    _ensure_manages(actor, user)
    with transaction.atomic():
        cleared = reset(username=user.username)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            user,
            request=request,
            details={"unlocked_attempts": cleared},
        )
    return cleared


def save_user(actor, user: User, *, missions, password=None, request=None):
    access.require(actor, "core.manage_users")
    allowed = set(access.missions(actor).values_list("pk", flat=True))
    wanted = {m.pk for m in missions}
    if not wanted or not wanted <= allowed:
        raise ValidationError({"missions": _("Choose at least one of your own missions.")})
    if user.pk == actor.pk and not user.is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    if password:
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
        user.set_password(password)
    elif user._state.adding:
        user.set_unusable_password()
    # full_clean would refuse an unusable password hash; the form validated the rest.
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        is_new = user._state.adding
        user.save()
        # Memberships in missions the actor does not administer are kept as they were.
        keep = set(user.missions.exclude(pk__in=allowed).values_list("pk", flat=True))
        user.missions.set(keep | wanted)
        audit.record(
            actor,
            AuditEvent.Action.CREATE if is_new else AuditEvent.Action.CHANGE,
            user,
            request=request,
            details={
                "password_changed": bool(password),
                "role": user.role.slug if user.role else None,
            },
        )
    return user


def save_team(actor, team: Team, *, locations, members, request=None):
    access.require(actor, "core.manage_teams")
    _ensure_mission(actor, team.mission)
    if any(loc.mission_id != team.mission_id for loc in locations):
        raise ValidationError({"locations": _("Every location must belong to the team's mission.")})
    if any(not m.missions.filter(pk=team.mission_id).exists() for m in members):
        raise ValidationError({"members": _("Every member must work in the team's mission.")})
    if team.supervisor_id and not team.supervisor.missions.filter(pk=team.mission_id).exists():
        raise ValidationError({"supervisor": _("The supervisor must work in the team's mission.")})
    return _save(actor, team, request=request, m2m={"locations": locations, "members": members})


def save_role(actor, role: Role, *, request=None):
    access.require(actor, "core.manage_roles")
    unknown = set(role.categories) - set(access.Sensitivity.values)
    if unknown:
        raise ValidationError({"categories": _("Unknown sensitivity category.")})
    return _save(actor, role, request=request)


# --- Projects -------------------------------------------------------------------------------


def donor_named(actor, name, *, request=None):
    """The donor of that name, created (and audited) when it is new."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"donor": _("Name the donor.")})
    donor = Donor.objects.filter(name__iexact=name).first()
    if donor is None:
        donor = Donor.objects.create(name=name[:150])
        audit.record(actor, AuditEvent.Action.CREATE, donor, request=request)
    return donor


def save_project(
    actor, project: Project, *, provinces=(), targets=None, donor_name=None, request=None
):
    access.require(actor, "core.manage_projects")
    _ensure_mission(actor, project.mission)
    if project.start_date and project.end_date and project.end_date < project.start_date:
        raise ValidationError({"end_date": _("The project cannot end before it starts.")})
    if any(
        p.level != Location.Level.PROVINCE or p.mission_id != project.mission_id for p in provinces
    ):
        raise ValidationError({"provinces": _("Choose provinces of the project's mission.")})
    with transaction.atomic():
        if donor_name is not None:
            project.donor = donor_named(actor, donor_name, request=request)
        _save(actor, project, request=request, m2m={"provinces": list(provinces)})
        if targets is not None:
            project.targets.all().delete()
            ProjectTarget.objects.bulk_create(
                ProjectTarget(project=project, indicator=i, target=t, unit=u) for i, t, u in targets
            )
    return project


def create_project(
    actor, *, uid=None, request=None, provinces=(), targets=None, donor_name=None, **fields
):
    """Idempotent on the client's uid."""
    if uid:
        existing = Project.objects.filter(uid=uid).first()
        if existing:
            _ensure_mission(actor, existing.mission)
            return existing
    project = Project(uid=uid or uuid.uuid4(), **fields)
    return save_project(
        actor, project, provinces=provinces, targets=targets, donor_name=donor_name, request=request
    )


# --- API tokens -----------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    # Tokens are 256-bit random, so a fast hash is safe (no dictionary to guess from).
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(actor, *, name, expires_at=None, request=None):
    """Returns (token, raw). The raw value is never stored and cannot be shown again."""
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name, e.g. the tool that uses it.")})
    if expires_at and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name.strip()[:100],
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            digest=token_digest(raw),
            expires_at=expires_at,
        )
        audit.record(actor, AuditEvent.Action.CREATE, token, request=request)
    return token, raw


def revoke_token(actor, token: ApiToken, *, request=None):
    if token.user_id != actor.pk:
        raise PermissionDenied(_("This is not your token."))
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor, AuditEvent.Action.DELETE, token, request=request)
    return token


def authenticate_token(raw: str):
    """The user behind an API token, or None. Records when it was last used."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__role")
        .filter(digest=token_digest(raw))
        .first()
    )
    if token is None or not token.active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Audit verification ---------------------------------------------------------------------


def request_audit_verification(actor, *, request=None):
    access.require(actor, "core.view_audit")
    from kopru.core.tasks import verify_audit_chain

    check = AuditVerification.objects.create(requested_by=actor)
    transaction.on_commit(lambda: verify_audit_chain.enqueue(check.pk))
    return check


def run_audit_verification(check: AuditVerification):
    checked, problems = audit.verify()
    check.checked, check.problems = checked, problems
    check.ok = not problems
    check.finished_at = timezone.now()
    check.save()
    return check


# --- Bootstrap ------------------------------------------------------------------------------


def bootstrap_admin(*, username, password, missions, email=""):
    """The first mission administrator of an installation (manage.py create_admin, demo).

    The only write without an acting user: nobody exists yet who could act.
    """
    from django.contrib.auth.password_validation import validate_password

    role = Role.objects.get(slug="admin")
    user = User.objects.filter(username=username).first() or User(username=username)
    validate_password(password, user)
    with transaction.atomic():
        user.role, user.email, user.is_active = role, email or user.email, True
        user.set_password(password)
        user.save()
        user.missions.add(*missions)
        audit.record("system", AuditEvent.Action.CREATE, user, details={"bootstrap": True})
    return user
