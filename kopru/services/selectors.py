"""Reads of the service ledger, already filtered by the access policy."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopru.core import access

from .models import ServiceEvent


def events_of_person(user, person):
    """Every live service a person received, alone, with their household, or in a group,
    newest first. The caller has already checked that the user may see the person; each
    event says whether the user may see what it was (`shown`): a role without the event's
    sensitivity category learns that a service happened, not which."""
    from django.db.models import Q

    seen = access.categories(user)
    events = (
        ServiceEvent.objects.filter(
            Q(person=person)
            | Q(participants__person=person)
            | Q(
                household__memberships__person=person,
                household__memberships__end_date__isnull=True,
            ),
            voided_at__isnull=True,
        )
        .distinct()
        .select_related("service_type__sub_sector__sector", "location")
        .order_by("-at", "-pk")
    )
    result = []
    for event in events:
        event.shown = event.category in seen
        result.append(event)
    return result


def visible_referrals(user, mission):
    """Referrals of people in the user's locations, and those sent to the user's teams."""
    from django.db.models import Q

    from .models import Referral

    if not access.in_mission(user, mission):
        return Referral.objects.none()
    mine = Referral.objects.none()
    if access.has(user, "registry.view_people"):
        mine = access.scope(
            user, Referral.objects.all(), mission, path_field="person__location__path"
        )
    teams = list(user.teams.values_list("pk", flat=True))
    return (
        Referral.objects.filter(mission=mission)
        .filter(Q(pk__in=mine.values("pk")) | Q(provider__team__in=teams))
        .select_related("person", "provider", "service_type", "referred_by")
    )


def inbox(user, mission):
    """Referrals sent to the user's teams, open ones first."""
    from .models import Referral

    teams = list(user.teams.values_list("pk", flat=True))
    return (
        Referral.objects.filter(mission=mission, provider__team__in=teams)
        .select_related("person", "provider", "service_type")
        .filter(status__in=Referral.OPEN)
        .order_by("due")
    )


def shown(user, record):
    """May the user see what a service, referral or appointment was (its category)?"""
    return record.category in access.categories(user)


TIMELINE_KINDS = [
    ("service", gettext_lazy("Services")),
    ("referral", gettext_lazy("Referrals")),
    ("appointment", gettext_lazy("Appointments")),
    ("consent", gettext_lazy("Consent")),
]


@dataclass
class Entry:
    """One line of a person's timeline. `shown` False: the viewer's role may know that
    something of this kind happened, not what it was."""

    at: datetime
    kind: str
    category: str
    shown: bool
    title: str
    detail: str = ""
    status: str = ""
    url: str = ""
    record: object = None


def timeline(user, person):
    """Every service, referral, appointment and consent of a person, newest first, filtered by
    what the user may see."""
    from django.urls import reverse

    from kopru.registry.models import ConsentEvent

    from .models import Appointment

    seen = access.categories(user)
    hidden = _("Detail not shown to your role")
    entries = []
    for event in events_of_person(user, person):
        st = event.service_type
        entries.append(
            Entry(
                event.at,
                "service",
                event.category,
                event.shown,
                st.name
                if event.shown
                else _("A service (%(category)s)") % {"category": event.get_category_display()},
                f"{event.location.name} · {event.get_modality_display()}"
                + (f" · {event.interpreter}" if event.interpreter else "")
                if event.shown
                else hidden,
                event.get_subject_display(),
                reverse("services:event_detail", args=[event.pk]) if event.shown else "",
                event,
            )
        )
    from .referrals import involved

    for ref in person.referrals.select_related("provider", "service_type"):
        ok = ref.category in seen or involved(user, ref)
        entries.append(
            Entry(
                ref.created_at,
                "referral",
                ref.category,
                ok,
                _("Referral to %(provider)s") % {"provider": ref.provider.name}
                if ok
                else _("A referral (%(category)s)") % {"category": ref.get_category_display()},
                f"{ref.number} · {ref.get_urgency_display()}" if ok else hidden,
                ref.get_status_display(),
                ref.get_absolute_url() if ok else "",
                ref,
            )
        )
    for appt in Appointment.objects.filter(person=person).select_related(
        "site", "service_type", "interpreter"
    ):
        ok = appt.category in seen
        entries.append(
            Entry(
                appt.starts_at,
                "appointment",
                appt.category,
                ok,
                (appt.service_type.name if ok else _("An appointment")),
                appt.site.name + (f" · {appt.interpreter.name}" if ok and appt.interpreter else ""),
                appt.get_status_display(),
                reverse("services:appointment_detail", args=[appt.pk]) if ok else "",
                appt,
            )
        )
    for consent in ConsentEvent.objects.filter(person=person):
        entries.append(
            Entry(
                consent.at,
                "consent",
                "general",
                True,
                consent.get_purpose_display()
                + (f": {consent.recipient}" if consent.recipient else ""),
                consent.text_version,
                consent.get_decision_display(),
                "",
                consent,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def centre_figures(site, start, end):
    """A centre's figures for a period, as the quarterly report gives them: services
    delivered (live events at the site) and beneficiaries (registered people served, each
    once, directly, in a group session or through their household, plus people counted at
    group sessions, who cannot be de-duplicated), also by service."""
    from collections import defaultdict

    from kopru.registry.models import Membership

    from .models import Participation

    events = list(
        ServiceEvent.objects.filter(
            location=site, at__gte=start, at__lt=end, voided_at__isnull=True
        ).values_list("pk", "service_type", "person", "household", "headcount_total")
    )
    ids = [e[0] for e in events]
    in_group = defaultdict(set)
    for event, person in Participation.objects.filter(event__in=ids).values_list("event", "person"):
        in_group[event].add(person)
    members = defaultdict(set)
    households = {e[3] for e in events if e[3]}
    for household, person in Membership.objects.filter(
        household__in=households, end_date__isnull=True
    ).values_list("household", "person"):
        members[household].add(person)
    rows = defaultdict(lambda: {"services": 0, "people": set(), "counted": 0})
    for pk, service_type, person, household, counted in events:
        row = rows[service_type]
        row["services"] += 1
        row["people"] |= {person} if person else set()
        row["people"] |= in_group[pk] | members.get(household, set())
        row["counted"] += counted or 0
    registered = set().union(*(r["people"] for r in rows.values())) if rows else set()
    counted = sum(r["counted"] for r in rows.values())
    by_type = sorted(
        (
            {
                "service_type": t,
                "services": r["services"],
                "people": len(r["people"]),
                "counted": r["counted"],
            }
            for t, r in rows.items()
        ),
        key=lambda r: -r["services"],
    )
    return {
        "services": len(events),
        "registered": len(registered),
        "counted": counted,
        "beneficiaries": len(registered) + counted,
        "by_type": by_type,
    }
