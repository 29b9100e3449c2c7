"""Every write of basic needs assistance (CONVENTIONS.md: one write path): programmes,
targeting runs and the officer's decisions on them, their approval (which freezes them),
cycles and their entitlements.

Who: `assistance.manage` (the cash officer) defines, targets and prepares; `assistance.approve`
approves a list or a cycle, never one they prepared. Financial data: the role needs the
category. Every change is audited in the financial category."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit, money
from kopru.core.models import AuditEvent, Location, Project, Sensitivity
from kopru.registry.models import DuplicateCandidate, Household
from kopru.services.models import ServiceType

from . import eligibility
from .models import Candidate, Cycle, Entitlement, Programme, TargetingRun

BATCH = 5000


def _ensure(actor, mission, capability):
    access.ensure(actor, mission, capability, category=Sensitivity.FINANCIAL)


def may_work_on(user, programme):
    """A programme is the officer's when one of its provinces is among their teams' places
    (roles that span the mission see every one)."""
    prefixes = access.location_prefixes(user, programme.mission)
    if prefixes is None:
        return True
    paths = programme.provinces.values_list("path", flat=True)
    return any(p.startswith(x) or x.startswith(p) for p in paths for x in prefixes)


def _ensure_for(actor, programme, capability):
    _ensure(actor, programme.mission, capability)
    if programme.pk:
        require_programme(actor, programme)


def require_programme(user, programme):
    """For pages and the API: reading a programme's records needs it to be the user's."""
    if not may_work_on(user, programme):
        raise PermissionDenied(_("This programme is outside your teams' places."))


def workable(user, programmes):
    """The programmes of a queryset the user may work on."""
    return [p for p in programmes if may_work_on(user, p)]


def _audit(actor, obj, action=AuditEvent.Action.CHANGE, request=None, **details):
    audit.record(
        actor, action, obj, request=request, category=Sensitivity.FINANCIAL, details=details
    )


def _when(at):
    """A moment given for a record entered after the fact: not in the future."""
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({"at": _("The time cannot be in the future.")})
    return at or now


def viewed(actor, obj, *, request=None, **details):
    """A page showing households' financial records: read, so audited."""
    _audit(actor, obj, AuditEvent.Action.VIEW, request, **details)


# --- Programmes -----------------------------------------------------------------------------


def save_programme(actor, programme, *, provinces, request=None):
    """Create or change a programme: its criteria and transfer values are checked against
    the data file; the service it records follows from its modality."""
    _ensure_for(actor, programme, "assistance.manage")
    errors = {}
    programme.code = (programme.code or "").strip()
    if not programme.code or not (programme.name or "").strip():
        errors["name"] = _("Give the programme a code and a name.")
    elif (
        Programme.objects.filter(mission=programme.mission, code=programme.code)
        .exclude(pk=programme.pk)
        .exists()
    ):
        errors["code"] = _("Another programme has this code.")
    modality = eligibility.modalities().get(programme.modality)
    if modality is None:
        errors["modality"] = _("Choose the modality.")
    else:
        code = modality["service_type"]
        if programme.modality == Programme.Modality.IN_KIND:
            from .inkind import kits

            kit = kits().get(programme.kit)
            if kit is None:
                errors["kit"] = _("Choose the kit the programme hands out.")
            else:
                code = kit["service_type"]
        else:
            programme.kit = ""
        programme.service_type = ServiceType.objects.filter(
            mission=programme.mission, code=code
        ).first()
        if programme.service_type is None:
            errors["modality"] = _("This mission's catalogue does not offer this modality.")
    if not isinstance(programme.project, Project) or (
        programme.project.mission_id != programme.mission_id
    ):
        errors["project"] = _("Choose a project of this mission.")
    if not provinces or any(
        p.mission_id != programme.mission_id or p.level != Location.Level.PROVINCE
        for p in provinces
    ):
        errors["provinces"] = _("Choose the programme's provinces.")
    prefixes = access.location_prefixes(actor, programme.mission)
    if provinces and prefixes is not None:
        outside = [
            p.name
            for p in provinces
            if not any(p.path.startswith(x) or x.startswith(p.path) for x in prefixes)
        ]
        if outside:
            errors["provinces"] = _("Outside your teams' places: %(names)s.") % {
                "names": ", ".join(outside)
            }
    try:
        programme.budget = money.parse(programme.budget, "budget")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        programme.criteria = eligibility.clean_criteria(programme.criteria, programme.cutoff)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        programme.transfer_values = eligibility.canonical_table(programme.transfer_values)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    created = programme.pk is None
    with transaction.atomic():
        programme.created_by_id = programme.created_by_id or actor.pk
        programme.save()
        programme.provinces.set(provinces)
        _audit(
            actor,
            programme,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            criteria=programme.criteria,
            cutoff=programme.cutoff,
            transfer_values=programme.transfer_values,
        )
    return programme


# --- Targeting ------------------------------------------------------------------------------


def run_targeting(actor, programme, *, on=None, request=None):
    """Score every registered household of the programme's provinces; keep each as a
    candidate with its score, the criteria it met and its members as they are now."""
    _ensure_for(actor, programme, "assistance.manage")
    if programme.status == Programme.Status.CLOSED:
        raise ValidationError({"programme": _("The programme is closed.")})
    rules = eligibility.clean_criteria(programme.criteria, programme.cutoff)
    paths = list(programme.provinces.values_list("path", flat=True))
    found = eligibility.features(programme.mission, paths, on=on or timezone.localdate())
    scores, met, eligible = eligibility.score(found, rules, programme.cutoff)
    with transaction.atomic():
        run = TargetingRun.objects.create(
            programme=programme,
            run_by=actor,
            criteria=rules,
            cutoff=programme.cutoff,
            households=len(found.ids),
            eligible=int(eligible.sum()),
        )
        rows = []
        for i, household in enumerate(found.ids.tolist()):
            rows.append(
                Candidate(
                    run=run,
                    household_id=household,
                    score=int(scores[i]),
                    met=eligibility.codes_met(int(met[i]), rules),
                    eligible=bool(eligible[i]),
                    size=int(found.size[i]),
                    snapshot={"members": found.members[i], "head": int(found.heads[i])},
                )
            )
            if len(rows) == BATCH:
                Candidate.objects.bulk_create(rows)
                rows = []
        Candidate.objects.bulk_create(rows)
        _audit(
            actor,
            run,
            AuditEvent.Action.CREATE,
            request,
            households=run.households,
            eligible=run.eligible,
        )
    return run


def decide(actor, candidate, *, include, reason, request=None):
    """The officer includes or excludes a household against its score, saying why."""
    run = candidate.run
    _ensure_for(actor, run.programme, "assistance.manage")
    if run.status != TargetingRun.Status.DRAFT:
        raise ValidationError({"run": _("This list is approved and frozen.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why.")})
    with transaction.atomic():
        candidate.decision = Candidate.Decision.INCLUDE if include else Candidate.Decision.EXCLUDE
        candidate.decision_reason = reason.strip()[:250]
        candidate.decided_by = actor
        candidate.save(update_fields=["decision", "decision_reason", "decided_by"])
        _audit(actor, candidate, request=request, decision=candidate.decision, reason=reason)
    return candidate


def _kept(candidates):
    """Eligible and not excluded, or included by hand."""
    return candidates.exclude(decision=Candidate.Decision.EXCLUDE).exclude(
        eligible=False, decision=Candidate.Decision.AUTO
    )


def selected(run):
    """The candidates the list keeps."""
    return _kept(run.candidates.all())


def duplicates_in(run):
    """Selected households whose member is an open probable duplicate of a member of another
    selected household (or of one enrolled in another approved list of the programme): the
    later household of each pair, with the pair's people."""
    members = {}
    approved = run.programme.runs.filter(status=TargetingRun.Status.APPROVED)
    lists = [run.pk, *approved.values_list("pk", flat=True)]
    kept = _kept(Candidate.objects.filter(run__in=lists)).values_list("household_id", "snapshot")
    for household, snapshot in kept:
        for person in snapshot.get("members", []):
            members[person] = household
    blocked = {}
    # The mission's open pairs are few beside its members: read them all, match in memory.
    pairs = DuplicateCandidate.objects.filter(
        mission=run.programme.mission, status=DuplicateCandidate.Status.OPEN
    ).values_list("person_a_id", "person_b_id")
    for a, b in pairs.iterator():
        if a not in members or b not in members:
            continue
        first, second = sorted((members[a], members[b]))
        if first != second:
            blocked[second] = (first, a, b)
    return blocked


def approve_run(actor, run, *, request=None):
    """Approve and freeze the list. Not by whoever ran it; households holding a probable
    duplicate of another selected household's member are excluded, with the reason, until
    the duplicate is resolved in the registry."""
    _ensure_for(actor, run.programme, "assistance.approve")
    if run.status != TargetingRun.Status.DRAFT:
        raise ValidationError({"run": _("This list is already decided.")})
    if run.run_by_id == actor.pk:
        raise ValidationError({"run": _("Someone other than who prepared the list approves it.")})
    with transaction.atomic():
        blocked = duplicates_in(run)
        references = dict(
            Household.objects.filter(pk__in=[v[0] for v in blocked.values()]).values_list(
                "pk", "reference"
            )
        )
        for household, (other, _a, _b) in blocked.items():
            Candidate.objects.filter(run=run, household_id=household).update(
                decision=Candidate.Decision.EXCLUDE,
                decision_reason=_(
                    "A member may be the same person as a member of household %(other)s: "
                    "resolve the duplicate in the registry first."
                )
                % {"other": references.get(other, other)},
                decided_by=actor,
            )
        run.status = TargetingRun.Status.APPROVED
        run.approved_by, run.approved_at = actor, timezone.now()
        run.save(update_fields=["status", "approved_by", "approved_at"])
        _audit(actor, run, request=request, approved=True, duplicates=len(blocked))
    return run


# --- Cycles and entitlements ----------------------------------------------------------------


def create_cycle(actor, run, *, starts_on, ends_on, request=None):
    """A cycle of an approved list, with an entitlement per selected household from the
    transfer-value table and the size frozen on the list. Refused beyond the budget."""
    programme = run.programme
    _ensure_for(actor, programme, "assistance.manage")
    errors = {}
    if run.status != TargetingRun.Status.APPROVED:
        errors["run"] = _("Approve the list before making a cycle of it.")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date) or ends_on < starts_on:
        errors["ends_on"] = _("The cycle ends after it starts.")
    if not programme.recurring and programme.cycles.exists():
        errors["run"] = _("This programme is one-off: it has its cycle already.")
    if errors:
        raise ValidationError(errors)
    chosen = list(selected(run).values_list("pk", "household_id", "size"))
    cents = eligibility.entitlements_cents([c[2] for c in chosen], programme.transfer_values)
    total = eligibility.to_decimal(int(cents.sum()))
    spent = Entitlement.objects.filter(cycle__programme=programme).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)
    if spent + total > programme.budget:
        raise ValidationError(
            {
                "run": _("The cycle needs %(total)s; the budget has %(left)s left.")
                % {"total": money.display(total), "left": money.display(programme.budget - spent)}
            }
        )
    with transaction.atomic():
        number = (
            programme.cycles.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        cycle = Cycle.objects.create(
            programme=programme,
            number=number,
            run=run,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        rows = []
        for (candidate, household, _size), value in zip(chosen, cents.tolist(), strict=True):
            rows.append(
                Entitlement(
                    cycle=cycle,
                    household_id=household,
                    candidate_id=candidate,
                    amount=eligibility.to_decimal(value),
                    currency=programme.currency,
                )
            )
            if len(rows) == BATCH:
                Entitlement.objects.bulk_create(rows)
                rows = []
        Entitlement.objects.bulk_create(rows)
        _audit(
            actor,
            cycle,
            AuditEvent.Action.CREATE,
            request,
            households=len(chosen),
            total=str(total),
        )
    return cycle


NEXT = {
    Cycle.Status.DRAFT: Cycle.Status.APPROVED,
    Cycle.Status.APPROVED: Cycle.Status.LOADED,
    Cycle.Status.LOADED: Cycle.Status.CLOSED,
}


def advance_cycle(actor, cycle, *, request=None):
    """draft -> approved (not by its creator) -> loaded -> closed."""
    target = NEXT.get(cycle.status)
    if target is None:
        raise ValidationError({"cycle": _("The cycle is closed.")})
    capability = "assistance.approve" if target == Cycle.Status.APPROVED else "assistance.manage"
    _ensure_for(actor, cycle.programme, capability)
    if target == Cycle.Status.APPROVED and cycle.created_by_id == actor.pk:
        raise ValidationError(
            {"cycle": _("Someone other than who prepared the cycle approves it.")}
        )
    with transaction.atomic():
        now = timezone.now()
        cycle.status = target
        field = {"approved": "approved_at", "loaded": "loaded_at", "closed": "closed_at"}[target]
        setattr(cycle, field, now)
        fields = ["status", field]
        if target == Cycle.Status.APPROVED:
            cycle.approved_by = actor
            fields.append("approved_by")
        cycle.save(update_fields=fields)
        _audit(actor, cycle, request=request, status=target)
    return cycle
