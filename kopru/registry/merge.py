"""Merging two records of one person, and undoing it exactly.

Every foreign key to Person in every app is found through Django's model metadata, so a
service event, a case or a consent added by a later app moves with the person without this
module knowing it. Each moved row is listed on the Merge, and undo moves exactly those back.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent

from . import services
from .models import (
    DuplicateCandidate,
    DuplicateDecision,
    Membership,
    Merge,
    NameKey,
    PairKey,
    Person,
)

# Bookkeeping about pairs of people stays as it was: it describes the two records.
NOT_MOVED = {DuplicateDecision, DuplicateCandidate, Merge, NameKey, PairKey}


def _person_links():
    """(model, field name) for every foreign key to Person outside the bookkeeping."""
    for model in apps.get_models():
        if model in NOT_MOVED:
            continue
        for f in model._meta.get_fields():
            if f.many_to_one and f.concrete and f.related_model is Person:
                yield model, f.name


def _clashes(model, field, survivor, merged):
    """Rows of `merged` that would repeat one of the survivor's where the model allows one per
    person (both records at one group session): they stay with the merged record, which
    reports read as the survivor, and an undo has nothing to put back."""
    pks = []
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if field not in fields:
            continue
        others = [f for f in fields if f != field]
        taken = set(model.objects.filter(**{field: survivor}).values_list(*others))
        for row in model.objects.filter(**{field: merged}).values("pk", *others):
            if tuple(row[f] for f in others) in taken:
                pks.append(row["pk"])
    return pks


def _check(actor, survivor, merged):
    access.require(actor, "registry.merge")
    if survivor.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if survivor.mission_id != merged.mission_id:
        raise ValidationError(_("Records of two missions cannot be merged."))
    if not access.in_mission(actor, survivor.mission):
        raise PermissionDenied
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these records is already merged."))


def merge_people(actor, survivor: Person, merged: Person, *, request=None):
    """`merged` becomes an alias of `survivor`, which keeps every link of both."""
    _check(actor, survivor, merged)
    moved, ended = [], []
    with transaction.atomic():
        survivor_home = Membership.objects.filter(person=survivor, end_date__isnull=True).first()
        for m in Membership.objects.filter(person=merged, end_date__isnull=True):
            if survivor_home:  # one current household per person: the survivor's stays
                m.end_date = timezone.localdate()
                m.end_reason = _("Merged into %(reference)s") % {"reference": survivor.reference}
                m.save(update_fields=["end_date", "end_reason"])
                ended.append(m.pk)
        for model, field in _person_links():
            if model is Person:  # records already merged into `merged` follow it
                rows = Person.objects.filter(merged_into=merged)
            else:
                rows = model.objects.filter(**{field: merged}).exclude(
                    pk__in=_clashes(model, field, survivor, merged)
                )
            pks = list(rows.values_list("pk", flat=True))
            if pks:
                model.objects.filter(pk__in=pks).update(**{field: survivor})
                moved += [[model._meta.label, pk, field] for pk in pks]
        # The survivor is found by the merged record's spellings too.
        keys = set(NameKey.objects.filter(person=survivor).values_list("key", flat=True))
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into"])
        services.rebuild_keys(survivor)
        added = sorted(
            set(NameKey.objects.filter(person=survivor).values_list("key", flat=True)) - keys
        )
        record = Merge.objects.create(
            survivor=survivor,
            merged=merged,
            merged_by=actor,
            moved=moved,
            ended_memberships=ended,
            added_keys=added,
        )
        DuplicateCandidate.objects.filter(
            person_a__in=[survivor, merged], person_b__in=[survivor, merged]
        ).update(status=DuplicateCandidate.Status.MERGED)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            survivor,
            request=request,
            details={"merged": merged.reference, "moved": len(moved)},
        )
    return record


def undo_merge(actor, record: Merge, *, request=None):
    """Put every link back where it was before the merge."""
    access.require(actor, "registry.merge")
    if record.undone_at:
        raise ValidationError(_("This merge was already undone."))
    survivor, merged = record.survivor, record.merged
    if Merge.objects.filter(
        survivor=survivor, merged_at__gt=record.merged_at, undone_at__isnull=True
    ).exists():
        raise ValidationError(
            _("Undo the later merges into %(reference)s first.") % {"reference": survivor.reference}
        )
    with transaction.atomic():
        for label, pk, field in record.moved:
            apps.get_model(label).objects.filter(pk=pk).update(**{field: merged})
        Membership.objects.filter(pk__in=record.ended_memberships).update(
            end_date=None, end_reason=""
        )
        merged.merged_into = None
        merged.save(update_fields=["merged_into"])
        services.rebuild_keys(survivor)
        record.undone_by, record.undone_at = actor, timezone.now()
        record.save(update_fields=["undone_by", "undone_at"])
        DuplicateCandidate.objects.filter(
            person_a__in=[survivor, merged], person_b__in=[survivor, merged]
        ).update(status=DuplicateCandidate.Status.OPEN)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            survivor,
            request=request,
            details={"unmerged": merged.reference, "restored": len(record.moved)},
        )
    return record
