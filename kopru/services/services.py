"""Every write to the service ledger (CONVENTIONS.md: one write path).

Pages, the day sheet, the API and the programme apps all record a contact through
record_service; it checks access, validates, writes in one transaction and audits."""

import uuid
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Location, Project

from .models import (
    AgeBand,
    Headcount,
    HeadcountSex,
    Modality,
    Participation,
    ServiceEvent,
    ServiceEventVersion,
    ServiceProject,
    ServiceType,
    Subject,
    SubSector,
)
from .signals import service_changed, service_will_change

CLOCK_SKEW = timedelta(minutes=10)  # a tablet's clock a little ahead is not "the future"


def _subject_label(subject):
    return Subject(subject).label


def _clean(actor, mission, data, derived=False):
    """Validated fields of an event, or ValidationError naming each bad field. `data` holds
    model instances (or None) for the relations, lists for participants, headcounts and
    projects."""
    errors = {}
    service_type = data.get("service_type")
    if not isinstance(service_type, ServiceType) or service_type.mission_id != mission.pk:
        errors["service_type"] = _("Choose a service from this mission's catalogue.")
    elif not service_type.active:
        errors["service_type"] = _("This service is no longer offered.")
    elif not derived and not access.can_see_category(actor, service_type.category):
        # A role that could not read the record back must not write it.
        errors["service_type"] = _("Your role does not record this kind of service.")

    person, household = data.get("person"), data.get("household")
    participants = list(dict.fromkeys(data.get("participants") or []))
    headcounts = data.get("headcounts") or []
    if person is not None:
        subject = Subject.PERSON
    elif household is not None:
        subject = Subject.HOUSEHOLD
    else:
        subject = Subject.GROUP
    if subject != Subject.GROUP and (participants or headcounts):
        errors["participants"] = _("Participants and headcounts belong to group sessions.")
    if subject == Subject.GROUP and not participants and not headcounts:
        errors["participants"] = _(
            "Say who received the service: a person, a household, or the participants of a "
            "group session."
        )
    if "service_type" not in errors and subject not in service_type.subjects:
        errors["service_type"] = _(
            "%(service)s cannot be recorded for this recipient: %(subject)s."
        ) % {
            "service": service_type,
            "subject": _subject_label(subject),
        }

    for who in [p for p in [person, *participants] if p is not None]:
        if who.mission_id != mission.pk:
            errors["participants" if who is not person else "person"] = _(
                "%(reference)s is not registered in this mission."
            ) % {"reference": who.reference}
        elif who.merged_into_id:
            errors["participants" if who is not person else "person"] = _(
                "%(reference)s was merged; use %(survivor)s."
            ) % {"reference": who.reference, "survivor": who.merged_into.reference}
    if household is not None and household.mission_id != mission.pk:
        errors["household"] = _("This household is not registered in this mission.")

    at = data.get("at")
    if at is None:
        errors["at"] = _("Give the date and time of the service.")
    elif at > timezone.now() + CLOCK_SKEW:
        errors["at"] = _("The date is in the future.")

    location = data.get("location")
    if not isinstance(location, Location) or location.mission_id != mission.pk:
        errors["location"] = _("Choose a place in this mission.")
    elif location.level not in (Location.Level.SITE, Location.Level.DISTRICT):
        errors["location"] = _("Choose a site or a district.")
    elif not access.can_see_location(actor, location):
        errors["location"] = _("This place is outside your teams' locations.")

    if data.get("modality") not in Modality.values:
        errors["modality"] = _("Choose how the service was given.")
    team, staff = data.get("team"), data.get("staff")
    if team is not None and team.mission_id != mission.pk:
        errors["team"] = _("This team works in another mission.")
    if staff is not None and not staff.missions.filter(pk=mission.pk).exists():
        errors["staff"] = _("This person does not work in this mission.")

    cells, total = {}, 0
    for cell in headcounts:
        key = (cell.get("sex"), cell.get("age_band"), bool(cell.get("disability")))
        count = cell.get("count")
        if key[0] not in HeadcountSex.values or key[1] not in AgeBand.values:
            errors["headcounts"] = _("Count people by sex (female, male, other) and age band.")
        elif not isinstance(count, int) or count < 0:
            errors["headcounts"] = _("A headcount is a whole number, zero or more.")
        elif key in cells:
            errors["headcounts"] = _("Each sex, age band and disability is counted once.")
        else:
            cells[key] = count
            total += count
    declared = data.get("headcount_total")
    if "headcounts" not in errors and declared is not None and cells and declared != total:
        errors["headcounts"] = _(
            "The headcount adds up to %(sum)s, but the total given is %(total)s."
        ) % {"sum": total, "total": declared}

    shares = {}
    for project, share in data.get("projects") or []:
        if not isinstance(project, Project) or project.mission_id != mission.pk:
            errors["projects"] = _("Choose projects of this mission.")
        elif project.pk in shares:
            errors["projects"] = _("Each project is named once.")
        else:
            shares[project.pk] = (project, share)
    if "projects" not in errors and shares:
        if any(not isinstance(s, int) or not 1 <= s <= 100 for _p, s in shares.values()):
            errors["projects"] = _("A project's share is a whole per cent from 1 to 100.")
        elif sum(s for _p, s in shares.values()) != 100:
            errors["projects"] = _("The projects' shares must add up to 100 per cent.")
    if errors:
        raise ValidationError(errors)
    return {
        "service_type": service_type,
        "subject": subject,
        "person": person,
        "household": household,
        "at": at,
        "location": location,
        "team": team,
        "staff": staff,
        "modality": data["modality"],
        "language": (data.get("language") or "")[:8],
        "interpreter": (data.get("interpreter") or "").strip()[:150],
        "notes": (data.get("notes") or "").strip(),
        "category": service_type.category,
        "headcount_total": (declared if declared is not None else total) if cells else None,
        "participants": participants,
        "headcounts": [
            {"sex": s, "age_band": a, "disability": d, "count": n} for (s, a, d), n in cells.items()
        ],
        "projects": list(shares.values()),
    }


def _write_children(event, clean):
    event.participants.all().delete()
    event.headcounts.all().delete()
    event.projects.all().delete()
    Participation.objects.bulk_create(
        Participation(event=event, person=p) for p in clean["participants"]
    )
    Headcount.objects.bulk_create(Headcount(event=event, **cell) for cell in clean["headcounts"])
    ServiceProject.objects.bulk_create(
        ServiceProject(event=event, project=p, share=s) for p, s in clean["projects"]
    )


CHILDREN = ("participants", "headcounts", "projects")


def sent_before(model, uid, **owner):
    """The record a client already sent with this uid, or None. A uid that names another
    owner's record (another mission, another person) is refused, never handed over."""
    if not uid:
        return None
    existing = model.objects.filter(uid=uid).first()
    if existing is not None and any(
        getattr(existing, f"{field}_id") != value.pk for field, value in owner.items()
    ):
        raise ValidationError({"uid": _("This identifier is already used.")})
    return existing


def record_service(actor, mission, *, uid=None, request=None, derived_from=None, **data):
    """Record one contact. Sending the same `uid` again returns the event stored the first
    time and writes nothing.

    `derived_from` names the record a programme app derives the service from (a paid need):
    its writer may lack the service's category (a cash officer paying for a protection case),
    so that check is the programme app's, and the audit entry names the source."""
    access.require(actor, "services.record")
    if not access.in_mission(actor, mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if (existing := sent_before(ServiceEvent, uid, mission=mission)) is not None:
        return existing
    clean = _clean(actor, mission, data, derived=derived_from is not None)
    with transaction.atomic():
        event = ServiceEvent.objects.create(
            uid=uid or uuid.uuid4(),
            mission=mission,
            recorded_by=actor,
            **{k: v for k, v in clean.items() if k not in CHILDREN},
        )
        _write_children(event, clean)
        service_changed.send(ServiceEvent, event=event)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            event,
            request=request,
            category=event.category,
            details={
                "service_type": event.service_type.code,
                "subject": event.subject,
                **(
                    {"derived_from": f"{derived_from._meta.label_lower}:{derived_from.pk}"}
                    if derived_from is not None
                    else {}
                ),
            },
        )
    return event


def view_event(actor, event, *, request=None):
    """A page shows this service: a sensitive one (health, mental health, protection,
    financial) leaves a `view` entry in its category."""
    if event.category != "general":
        audit.record(actor, AuditEvent.Action.VIEW, event, request=request, category=event.category)


def _snapshot(actor, event):
    data = model_to_dict(event, exclude=["id"])
    data["at"] = event.at.isoformat()
    data["uid"] = str(event.uid)
    data["participants"] = list(event.participants.values_list("person_id", flat=True))
    data["headcounts"] = list(event.headcounts.values("sex", "age_band", "disability", "count"))
    data["projects"] = list(event.projects.values_list("project_id", "share"))
    ServiceEventVersion.objects.create(event=event, saved_by=actor, data=data)


def _ensure_editable(actor, event):
    access.require(actor, "services.record")
    if not access.in_mission(actor, event.mission) or not access.can_see_location(
        actor, event.location
    ):
        raise PermissionDenied(_("This place is outside your teams' locations."))
    if not access.can_see_category(actor, event.category):
        raise PermissionDenied(_("Your role does not see this kind of service."))
    if event.voided_at:
        raise ValidationError(_("This service was deleted."))


def update_service(actor, event, *, request=None, **changes):
    """Change an event; what it was before is kept as a version, and the change audited."""
    _ensure_editable(actor, event)
    current = {
        "service_type": event.service_type,
        "person": event.person,
        "household": event.household,
        "at": event.at,
        "location": event.location,
        "team": event.team,
        "staff": event.staff,
        "modality": event.modality,
        "language": event.language,
        "interpreter": event.interpreter,
        "notes": event.notes,
        "headcount_total": event.headcount_total,
        "participants": [p.person for p in event.participants.select_related("person")],
        "headcounts": list(event.headcounts.values("sex", "age_band", "disability", "count")),
        "projects": [(sp.project, sp.share) for sp in event.projects.select_related("project")],
    }
    clean = _clean(actor, event.mission, {**current, **changes})
    with transaction.atomic():
        _snapshot(actor, event)
        service_will_change.send(ServiceEvent, event=event)
        for field, value in clean.items():
            if field not in CHILDREN:
                setattr(event, field, value)
        event.save()
        _write_children(event, clean)
        service_changed.send(ServiceEvent, event=event)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            event,
            request=request,
            category=event.category,
            details={"fields": sorted(changes)},
        )
    return event


def void_service(actor, event, *, reason, request=None):
    """Delete a service recorded by mistake: it stops counting, its history stays."""
    _ensure_editable(actor, event)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the service is deleted.")})
    with transaction.atomic():
        _snapshot(actor, event)
        service_will_change.send(ServiceEvent, event=event)
        event.voided_at, event.void_reason = timezone.now(), reason.strip()[:200]
        event.save(update_fields=["voided_at", "void_reason", "changed_at"])
        service_changed.send(ServiceEvent, event=event)
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            event,
            request=request,
            category=event.category,
            details={"reason": event.void_reason},
        )
    return event


def resolve(
    mission,
    *,
    service_type=None,
    person_id=None,
    household_id=None,
    participant_ids=(),
    location_id=None,
    team_id=None,
    staff_id=None,
    project_shares=(),
):
    """Model instances for the ids a form or the API sends; an unknown id becomes a value
    _clean refuses with its field's message (so both entry points read the same errors)."""
    from kopru.core.models import Team, User
    from kopru.registry.models import Household, Person

    people = Person.objects.select_related("merged_into")
    found = {
        "service_type": ServiceType.objects.filter(mission=mission, code=service_type).first(),
        "person": people.filter(pk=person_id).first() if person_id else None,
        "household": Household.objects.filter(pk=household_id).first() if household_id else None,
        "location": Location.objects.filter(pk=location_id).first() if location_id else None,
        "team": Team.objects.filter(pk=team_id).first() if team_id else None,
        "staff": User.objects.filter(pk=staff_id).first() if staff_id else None,
    }
    errors = {}
    if person_id and found["person"] is None:
        errors["person"] = _("Unknown person.")
    if team_id and found["team"] is None:
        errors["team"] = _("This team works in another mission.")
    if staff_id and found["staff"] is None:
        errors["staff"] = _("This person does not work in this mission.")
    if household_id and found["household"] is None:
        errors["household"] = _("This household is not registered in this mission.")
    participants = list(people.filter(pk__in=list(participant_ids)))
    if len(participants) != len(set(participant_ids)):
        errors["participants"] = _("Some participants are not registered.")
    projects = {p.pk: p for p in Project.objects.filter(pk__in=[p for p, _s in project_shares])}
    if len(projects) != len({p for p, _s in project_shares}):
        errors["projects"] = _("Choose projects of this mission.")
    if errors:
        raise ValidationError(errors)
    found["participants"] = participants
    found["projects"] = [(projects[p], s) for p, s in project_shares]
    return found


def save_catalogue_entry(actor, entry, *, request=None):
    """Create or change a unit, sector, sub-sector or service type. Codes are kept once
    used: reports and the API refer to them."""
    access.require(actor, "services.manage_catalogue")
    mission = entry.sector.mission if isinstance(entry, SubSector) else entry.mission
    if not access.in_mission(actor, mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if not (entry.names or {}).get("en"):
        raise ValidationError({"names": _("Give at least the English name.")})
    if isinstance(entry, ServiceType):
        if not entry.subjects or set(entry.subjects) - set(Subject.values):
            raise ValidationError({"subjects": _("Say whom the service is given to.")})
        if entry.sub_sector.sector.mission_id != mission.pk or entry.unit.mission_id != mission.pk:
            raise ValidationError({"sub_sector": _("Choose a sub-sector of this mission.")})
    entry.full_clean()
    created = entry.pk is None
    with transaction.atomic():
        entry.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            entry,
            request=request,
            mission=mission.pk,
        )
    return entry
