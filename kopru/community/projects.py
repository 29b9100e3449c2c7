"""Community stabilisation projects with municipalities (issue 9, item 6; seed 003: seven
projects, 6,199 people): the project, its milestones (progress = the done ones' weights), its
progress photos, the contractor's payments against the budget, and its completion, which
records the catchment population as one group service (non-unique reach)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kopru.core import money, uploads
from kopru.core.models import AuditEvent, Location, Project
from kopru.registry.models import PopulationGroup
from kopru.services.models import AgeBand, HeadcountSex, Modality

from . import services
from .models import (
    CatchmentCell,
    CatchmentGroup,
    ContractorPayment,
    Milestone,
    ProgressPhoto,
    StabilisationProject,
)

Status = StabilisationProject.Status
CLOSED = (Status.COMPLETED, Status.CANCELLED)


def _ensure(actor, project):
    services.ensure(actor, project.mission, project.district if project.district_id else None)


def _open(project):
    if project.status in CLOSED:
        raise ValidationError(
            {"project": _("The project is %(status)s.") % {"status": project.get_status_display()}}
        )


def progress(project):
    """Per cent done: the weights of the done milestones."""
    return project.milestones.filter(done_on__isnull=False).aggregate(s=Sum("weight"))["s"] or 0


def spent(project):
    return project.payments.aggregate(s=Sum("amount"))["s"] or 0


def catchment_total(project):
    return project.catchment.aggregate(s=Sum("count"))["s"] or 0


# --- The project ----------------------------------------------------------------------------


def save_project(actor, project, *, request=None):
    """Create or change a project (not once it is completed or cancelled)."""
    services.ensure(actor, project.mission)
    if project.pk:
        _ensure(actor, StabilisationProject.objects.get(pk=project.pk))
        _open(StabilisationProject.objects.get(pk=project.pk))
    errors = {}
    project.title = (project.title or "").strip()
    project.municipality = (project.municipality or "").strip()
    if not project.title:
        errors["title"] = _("Give the project a title.")
    if not project.municipality:
        errors["municipality"] = _("Name the municipality.")
    district = project.district if project.district_id else None
    if district is None or district.level != Location.Level.DISTRICT:
        errors["district"] = _("Choose a district of this mission.")
    else:
        errors.update(services.place_error(actor, project.mission, district, "district") or {})
    if project.facility not in services.facilities():
        errors["facility"] = _("Choose the facility.")
    if (
        project.project_id
        and not Project.objects.filter(pk=project.project_id, mission=project.mission).exists()
    ):
        errors["project"] = _("Choose a project of this mission.")
    try:
        project.budget = money.parse(project.budget, "budget")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not project.starts_on or not project.ends_on:
        errors["ends_on"] = _("Give the start and the planned end.")
    elif project.ends_on < project.starts_on:
        errors["ends_on"] = _("The project ends after it starts.")
    if project.pk and "budget" not in errors and project.budget < spent(project):
        errors["budget"] = _("The contractor has already been paid %(spent)s.") % {
            "spent": money.display(spent(project))
        }
    if errors:
        raise ValidationError(errors)
    created = project.pk is None
    with transaction.atomic():
        project.created_by_id = project.created_by_id or actor.pk
        project.contractor = (project.contractor or "").strip()[:150]
        project.save()
        services.record(
            actor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            project,
            request=request,
            budget=str(project.budget),
            facility=project.facility,
        )
    return project


def cancel_project(actor, project, *, reason, request=None):
    _ensure(actor, project)
    _open(project)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why.")})
    with transaction.atomic():
        project.status, project.cancel_reason = Status.CANCELLED, reason.strip()[:250]
        project.save(update_fields=["status", "cancel_reason"])
        services.record(actor, AuditEvent.Action.CHANGE, project, request=request, cancelled=reason)
    return project


# --- Milestones -----------------------------------------------------------------------------


def add_milestone(actor, project, *, name, planned_on, weight, uid=None, request=None):
    """A milestone; the weights of a project make at most 100."""
    _ensure(actor, project)
    if uid and (existing := Milestone.objects.filter(uid=uid, project=project).first()):
        return existing
    _open(project)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Name the milestone.")
    if planned_on is None:
        errors["planned_on"] = _("Give the planned date.")
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        errors["weight"] = _("The weight is a whole per cent from 1 to 100.")
    else:
        used = project.milestones.aggregate(s=Sum("weight"))["s"] or 0
        if used + weight > 100:
            errors["weight"] = _("The milestones already weigh %(used)s%%; %(left)s%% is left.") % {
                "used": used,
                "left": 100 - used,
            }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        milestone = Milestone.objects.create(
            uid=uid or uuid.uuid4(),
            project=project,
            name=name.strip()[:150],
            planned_on=planned_on,
            weight=weight,
        )
        services.record(actor, AuditEvent.Action.CREATE, milestone, request=request, weight=weight)
    return milestone


def mark_done(actor, milestone, *, done_on, request=None):
    """The milestone done on that day. Sent again, it changes nothing (a field tablet may
    retry); the first milestone done puts a planned project in progress."""
    project = milestone.project
    _ensure(actor, project)
    if milestone.done_on:
        return milestone
    _open(project)
    done_on = services.past_date(done_on, project.mission, "done_on")
    if done_on < project.starts_on:
        raise ValidationError({"done_on": _("The project had not started on that day.")})
    with transaction.atomic():
        # One writer at a time: the same milestone posted twice at once is done once.
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.done_on:
            return locked
        locked.done_on, locked.done_by = done_on, actor
        locked.save(update_fields=["done_on", "done_by"])
        if project.status == Status.PLANNED:
            project.status = Status.IN_PROGRESS
            project.save(update_fields=["status"])
        services.record(
            actor, AuditEvent.Action.CHANGE, locked, request=request, done_on=str(done_on)
        )
    milestone.done_on, milestone.done_by = locked.done_on, locked.done_by
    return locked


# --- Photos and payments --------------------------------------------------------------------


def add_photo(actor, project, content, *, caption, taken_on, milestone=None, request=None):
    """A progress photo (JPEG or PNG, checked by its bytes and size)."""
    _ensure(actor, project)
    errors = {}
    if not (caption or "").strip():
        errors["caption"] = _("Say what the photo shows.")
    try:
        services.past_date(taken_on, project.mission, "taken_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if milestone is not None and milestone.project_id != project.pk:
        errors["milestone"] = _("Choose a milestone of this project.")
    try:
        kind = uploads.check(
            content, uploads.IMAGES, max_bytes=services.rules()["photo_max_bytes"], field="photo"
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with (
        transaction.atomic(),
        uploads.stored(content, f"community/{project.mission.code}/projects") as path,
    ):
        photo = ProgressPhoto.objects.create(
            project=project,
            milestone=milestone,
            caption=caption.strip()[:200],
            taken_on=taken_on,
            content_type=kind,
            size=len(content),
            path=path,
            uploaded_by=actor,
        )
        services.record(actor, AuditEvent.Action.CREATE, photo, request=request, size=len(content))
    return photo


def record_payment(actor, project, *, amount, paid_on, reference, uid=None, request=None):
    """A payment to the contractor; all of them stay within the budget."""
    _ensure(actor, project)
    if uid and (existing := ContractorPayment.objects.filter(uid=uid, project=project).first()):
        return existing
    if project.status == Status.CANCELLED:
        raise ValidationError({"project": _("The project is cancelled.")})
    errors = {}
    try:
        amount = money.parse(amount, "amount")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        services.past_date(paid_on, project.mission, "paid_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = _("Give the payment's reference (invoice or transfer number).")
    elif project.payments.filter(reference=reference).exists():
        errors["reference"] = _("A payment with this reference is already recorded.")
    if "amount" not in errors and spent(project) + amount > project.budget:
        errors["amount"] = _("This goes beyond the budget: %(left)s is left.") % {
            "left": money.display(project.budget - spent(project))
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = ContractorPayment.objects.create(
            uid=uid or uuid.uuid4(),
            project=project,
            amount=amount,
            paid_on=paid_on,
            reference=reference[:60],
            recorded_by=actor,
        )
        services.record(
            actor,
            AuditEvent.Action.CREATE,
            payment,
            request=request,
            financial=True,
            amount=str(amount),
        )
    return payment


# --- Catchment and completion ---------------------------------------------------------------


def clean_catchment(cells, groups):
    """{(sex, age band): count} and {population group: count}, checked: whole numbers, some
    people, and the groups (when given) adding up to the same total."""
    errors = {}
    clean = {}
    for (sex, band), count in (cells or {}).items():
        if sex not in HeadcountSex.values or band not in AgeBand.values:
            errors["catchment"] = _("Count people by sex and age band.")
        elif not isinstance(count, int) or count < 0:
            errors["catchment"] = _("A count is a whole number, zero or more.")
        elif count:
            clean[(sex, band)] = count
    total = sum(clean.values())
    if "catchment" not in errors and not total:
        errors["catchment"] = _("Estimate the people the facility serves.")
    by_group = {}
    for group, count in (groups or {}).items():
        if group not in PopulationGroup.values:
            errors["groups"] = _("Choose population groups of the registry.")
        elif not isinstance(count, int) or count < 0:
            errors["groups"] = _("A count is a whole number, zero or more.")
        elif count:
            by_group[group] = count
    if "groups" not in errors and by_group and total and sum(by_group.values()) != total:
        errors["groups"] = _(
            "The population groups add up to %(groups)s, the catchment to %(total)s."
        ) % {"groups": sum(by_group.values()), "total": total}
    if errors:
        raise ValidationError(errors)
    return clean, by_group


def _write_catchment(project, cells, groups):
    project.catchment.all().delete()
    project.catchment_groups.all().delete()
    CatchmentCell.objects.bulk_create(
        CatchmentCell(project=project, sex=s, age_band=a, count=n) for (s, a), n in cells.items()
    )
    CatchmentGroup.objects.bulk_create(
        CatchmentGroup(project=project, group=g, count=n) for g, n in groups.items()
    )


def set_catchment(actor, project, *, cells, groups=None, request=None):
    """The estimate of the people the facility serves, while the works go on."""
    _ensure(actor, project)
    _open(project)
    cells, groups = clean_catchment(cells, groups)
    with transaction.atomic():
        _write_catchment(project, cells, groups)
        services.record(
            actor, AuditEvent.Action.CHANGE, project, request=request, catchment=sum(cells.values())
        )
    return project


def complete_project(
    actor, project, *, completed_on, handover_note, cells=None, groups=None, request=None
):
    """Completion: every milestone done (weights making 100), the date, the hand-over note
    and the catchment (given here or estimated before). It records one group service with
    the catchment as headcounts: `school_repair` for a school, otherwise
    `public_facility_improvement`."""
    _ensure(actor, project)
    _open(project)
    errors = {}
    milestones = list(project.milestones.all())
    weights = sum(m.weight for m in milestones)
    if not milestones or weights != 100:
        errors["project"] = _("The milestones weigh %(n)s%%; they must make 100%%.") % {
            "n": weights
        }
    elif any(m.done_on is None for m in milestones):
        errors["project"] = _("Not every milestone is done: %(names)s.") % {
            "names": ", ".join(m.name for m in milestones if m.done_on is None)
        }
    try:
        services.past_date(completed_on, project.mission, "completed_on")
        last = max((m.done_on for m in milestones if m.done_on), default=None)
        if last and completed_on < last:
            errors["completed_on"] = _("The project completes after its last milestone.")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not (handover_note or "").strip():
        errors["handover_note"] = _("Say how the facility was handed over to the municipality.")
    if cells is not None:
        try:
            cells, groups = clean_catchment(cells, groups)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    elif not catchment_total(project):
        errors["catchment"] = _("Estimate the people the facility serves.")
    if errors:
        raise ValidationError(errors)
    code = services.facilities()[project.facility]["service_type"]
    with transaction.atomic():
        if cells is not None:
            _write_catchment(project, cells, groups)
        headcounts = [
            {"sex": c.sex, "age_band": c.age_band, "disability": False, "count": c.count}
            for c in project.catchment.all()
        ]
        project.event = services.record_event(
            actor,
            project.mission,
            uid=uuid.uuid5(project.uid, "completion"),
            code=code,
            on=completed_on,
            location=project.district,
            modality=Modality.MOBILE,
            projects=[(project.project, 100)] if project.project_id else [],
            request=request,
            source=project,
            headcounts=headcounts,
            notes=project.title,
        )
        project.status, project.completed_on = Status.COMPLETED, completed_on
        project.handover_note = handover_note.strip()
        project.save(update_fields=["event", "status", "completed_on", "handover_note"])
        services.record(
            actor,
            AuditEvent.Action.CHANGE,
            project,
            request=request,
            completed_on=str(completed_on),
            catchment=sum(h["count"] for h in headcounts),
        )
    return project
