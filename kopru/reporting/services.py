"""Every write of the reporting app (CONVENTIONS.md: one write path): indicators and targets.

Each function takes the acting user first, checks the capability and the mission, validates
(models.Indicator.clean and Target.clean, with the messages on the fields they are about),
writes in one transaction and appends the audit entry, with the definition before and after
so that a changed indicator can be traced."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent

from .models import Indicator, Target

CAPABILITY = "reporting.manage_indicators"


def _ensure(actor, mission):
    access.require(actor, CAPABILITY)
    if not access.in_mission(actor, mission):
        raise PermissionDenied(_("You do not work in this mission."))


def definition(indicator, service_types=None):
    """An indicator's definition as plain data (audit details, the demo's data file)."""
    types = indicator.service_types.all() if service_types is None else service_types
    return {
        "code": indicator.code,
        "name": indicator.name,
        "kind": indicator.kind,
        "measure": indicator.measure,
        "service_types": sorted(st.code for st in types),
        "sector": indicator.sector.code if indicator.sector else "",
        "sub_sector": indicator.sub_sector.code if indicator.sub_sector else "",
        "unit": indicator.unit.code if indicator.unit else "",
        "sex": indicator.sex,
        "age_bands": list(indicator.age_bands or []),
        "population_group": indicator.population_group,
        "disability_only": indicator.disability_only,
        "numerator": indicator.numerator.code if indicator.numerator else "",
        "denominator": indicator.denominator.code if indicator.denominator else "",
        "active": indicator.active,
    }


def _check_service_types(indicator, service_types):
    """The chosen services belong to the mission and fit the sector, sub-sector and unit."""
    foreign = [st for st in service_types if st.mission_id != indicator.mission_id]
    if foreign:
        return _("Choose services from this mission's catalogue.")
    outside = [
        st
        for st in service_types
        if (indicator.sector_id and st.sub_sector.sector_id != indicator.sector_id)
        or (indicator.sub_sector_id and st.sub_sector_id != indicator.sub_sector_id)
        or (indicator.unit_id and st.unit_id != indicator.unit_id)
    ]
    if outside:
        return _(
            "%(services)s are outside the sector, sub-sector or unit chosen: choose services "
            "inside them, or leave those filters empty."
        ) % {"services": ", ".join(st.name for st in outside)}
    return None


def save_indicator(actor, indicator, *, service_types=(), request=None):
    """Create or change an indicator. A ratio keeps no filters of its own (its two counts
    carry them); a count keeps no sides."""
    _ensure(actor, indicator.mission)
    service_types = list(service_types)
    created = indicator.pk is None
    before = None if created else definition(Indicator.objects.get(pk=indicator.pk))
    indicator.updated_by = actor
    if created:
        indicator.created_by = actor
    errors = {}
    try:
        # clean() checks the code's uniqueness with a message on the field; the database
        # constraint stays as the safety net.
        indicator.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if indicator.is_ratio:
        service_types = []
    elif "service_types" not in errors:
        problem = _check_service_types(indicator, service_types)
        if problem:
            errors["service_types"] = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        indicator.save()
        indicator.service_types.set(service_types)
        after = definition(indicator, service_types)
        details = {"definition": after}
        if before is not None:
            details["before"] = before
        audit.record(
            actor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            indicator,
            request=request,
            details=details,
        )
    return indicator


def _target_details(target):
    return {
        "indicator": target.indicator.code,
        "project": target.project.code if target.project else "",
        "start": target.start.isoformat(),
        "end": target.end.isoformat(),
        "value": target.value_text,
    }


def save_target(actor, target, *, request=None):
    """Create or change a target of an indicator, for a project or the whole mission."""
    _ensure(actor, target.indicator.mission)
    created = target.pk is None
    before = None if created else _target_details(Target.objects.get(pk=target.pk))
    target.updated_by = actor
    if created:
        target.created_by = actor
    target.full_clean(validate_constraints=False)
    with transaction.atomic():
        target.save()
        details = {"target": _target_details(target)}
        if before is not None:
            details["before"] = before
        audit.record(
            actor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            target,
            request=request,
            mission=target.indicator.mission_id,
            details=details,
        )
    return target


def delete_target(actor, target, *, request=None):
    _ensure(actor, target.indicator.mission)
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            target,
            request=request,
            mission=target.indicator.mission_id,
            details={"target": _target_details(target)},
        )
        target.delete()
