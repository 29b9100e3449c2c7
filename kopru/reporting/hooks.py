"""How reporting keeps its figures current, and what it adds to the navigation and the demo.

The projection follows every write: the ledger's signals for services, and the registry's
models for people and households (merges and their undo save the merged record, which
brings the survivor's rows along)."""

from django.db.backends.signals import connection_created
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from kopru.core import demo, navigation
from kopru.core.models import Location, Project
from kopru.registry.models import Membership, Merge, Person
from kopru.services.models import ServiceType, SubSector
from kopru.services.signals import service_changed, service_will_change

from . import projection, rollup

connection_created.connect(projection.install_sqlite_functions)


@receiver(service_will_change)
def _retract(sender, event, **kwargs):
    projection.retract([event.pk])


@receiver(service_changed)
def _project(sender, event, **kwargs):
    projection.project([event.pk])


@receiver(post_save, sender=Person)
def _person_saved(sender, instance, created, **kwargs):
    if created:
        return  # a new record has no services yet
    people = {instance.pk, instance.merged_into_id}
    # The merged record's save during a merge, or while undoing one: both records change.
    last = Merge.objects.filter(merged=instance).order_by("-merged_at").first()
    if last is not None:
        people.add(last.survivor_id)
    projection.refresh_people(people)


@receiver(post_save, sender=Membership)
def _membership_saved(sender, instance, **kwargs):
    projection.refresh_people([instance.person_id])


# What the unique counts kept per period are broken down by: a change makes them wait for a
# rebuild (reports count rows meanwhile). (model, fields, its mission)
_BREAKDOWNS = [
    (ServiceType, ("sub_sector_id", "unit_id"), lambda o: o.mission_id),
    (SubSector, ("sector_id",), lambda o: o.sector.mission_id),
    (Location, ("path",), lambda o: o.mission_id),
    (Project, ("donor_id",), lambda o: o.mission_id),
]


def _breakdown_changing(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    for model, fields, mission_of in _BREAKDOWNS:
        if sender is model:
            before = model.objects.filter(pk=instance.pk).values_list(*fields).first()
            if before is not None and before != tuple(getattr(instance, f) for f in fields):
                rollup.mark_stale(mission_of(instance))


for _model, _fields, _mission in _BREAKDOWNS:
    pre_save.connect(_breakdown_changing, sender=_model)


def _demo_figures():
    """The demo writes its year of services in bulk; project them once at the end."""
    from kopru.core.models import Mission

    for mission in Mission.objects.all():
        projection.rebuild(mission)


demo.LOADERS.append(_demo_figures)


def _demo_indicators():
    from .demo import load_demo_indicators

    load_demo_indicators()


demo.LOADERS.append(_demo_indicators)


navigation.SECTIONS["reports"] = _("Reports")
navigation.ITEMS += [
    navigation.NavItem(_("Dashboard"), "reporting:dashboard", "reports"),
    navigation.NavItem(_("Quarterly report"), "reporting:quarterly", "reports"),
    navigation.NavItem(_("Progress against targets"), "reporting:progress", "reports"),
    navigation.NavItem(_("Indicators"), "reporting:indicator_list", "reports"),
]
