"""A case's checklist: each component its protocol version names, whether it is required for
this person and why, and whether it is done, pending, overdue or not applicable; then what
still stands between the case and travel clearance."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _

from . import pdmp, protocols
from .models import Investigation, TbClass

DUE_DAYS = 21  # a required component still open three weeks after the case opened is overdue
DEPARTURE_SOON = timedelta(days=7)


@dataclass
class Item:
    component: str
    name: str
    required: bool | None
    status: str  # done, pending, overdue, not_applicable, waived, unknown
    reason: str
    confirmed: bool = True
    notes: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    extra: bool = False  # done though the protocol did not ask for it


def country_name(alpha3):
    country = pycountry.countries.get(alpha_3=alpha3)
    return getattr(country, "common_name", None) or (country.name if country else alpha3)


def exam_country(case):
    country = pycountry.countries.get(alpha_2=case.mission.country)
    return country.alpha_3 if country else case.mission.country


def age_on(person, day):
    if not person.birth_date:
        return None
    b = person.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def facts(case):
    day = timezone.localdate(case.opened_at)
    return protocols.Facts(
        age=age_on(case.person, day),
        sex=case.person.sex,
        pregnant=case.pregnant,
        programme=case.programme,
        exam_country=exam_country(case),
        origin=case.person.nationality,
        findings=set(case.findings),
    )


def version_of(case):
    return protocols.version(case.protocol, version_code=case.protocol_version)


def latest_weight(case):
    from .models import Encounter

    found = (
        Encounter.objects.filter(person=case.person, weight_kg__isnull=False)
        .order_by("-at")
        .values_list("weight_kg", flat=True)
        .first()
    )
    return float(found) if found is not None else None


def presumptive(case):
    f = facts(case)
    return pdmp.regimen(
        f.exam_country,
        age=f.age,
        weight_kg=latest_weight(case),
        pregnant=case.pregnant,
        origin=f.origin,
    )


def _record_status(case, code):
    records = [r for r in case.components.all() if r.component == code]
    if not records:
        return None, []
    last = records[-1]
    if last.waived_reason:
        return "waived", [_("Not done: %(reason)s") % {"reason": last.waived_reason}]
    return "done", [_("Done on %(day)s.") % {"day": last.done_on.strftime("%d.%m.%Y")}]


def _test_status(case, entry):
    tests = entry.get("tests", ())
    needed = entry.get("specimens", 1)
    orders = [
        i
        for i in case.investigations.all()
        if i.test in tests and i.status != Investigation.Status.CANCELLED
    ]
    if not orders:
        return None, []
    evidence = []
    for order in orders:
        name = protocols.test_name(order.test)
        if order.status == Investigation.Status.RESULTED:
            evidence.append(
                _("%(test)s (specimen %(n)s): %(result)s on %(day)s")
                % {
                    "test": name,
                    "n": order.specimen,
                    "result": order.get_interpretation_display() or order.value,
                    "day": timezone.localdate(order.resulted_at).strftime("%d.%m.%Y"),
                }
            )
        else:
            evidence.append(
                _("%(test)s ordered on %(day)s, no result yet")
                % {"test": name, "day": timezone.localdate(order.ordered_at).strftime("%d.%m.%Y")}
            )
    resulted = [o for o in orders if o.status == Investigation.Status.RESULTED]
    # Every test of the component (smear and culture) needs its specimens resulted.
    main = tests[:2] if needed > 1 else tests
    if needed > 1:
        complete = all(len({o.specimen for o in resulted if o.test == t}) >= needed for t in main)
    else:
        complete = bool(resulted)
    return ("done" if complete else "pending"), evidence


def _treatment_status(case):
    plan = presumptive(case)
    given = list(case.treatments.all())
    evidence = [
        _("%(drug)s %(dose)s on %(day)s")
        % {"drug": pdmp.drug_name(t.drug), "dose": t.dose, "day": t.given_on.strftime("%d.%m.%Y")}
        for t in given
    ]
    if not plan.found:
        status, _ev = _record_status(case, "presumptive_treatment")
        return (
            status,
            evidence + _ev,
            _("No presumptive treatment rule for %(country)s: decide and record it.")
            % {"country": exam_country(case)},
        )
    wanted = [d for d in plan.drugs if not d.contraindications]
    if not wanted:
        if not plan.drugs:
            why = _("No presumptive treatment for people examined in %(country)s.") % {
                "country": country_name(exam_country(case))
            }
        else:
            why = _("Every drug of the regimen is contraindicated for this person.")
        return "not_applicable", evidence, why
    missing = {d.code for d in wanted} - {t.drug for t in given}
    return ("done" if not missing else "pending"), evidence, None


def items(case, today: date | None = None) -> list[Item]:
    today = today or timezone.localdate()
    opened = timezone.localdate(case.opened_at)
    soon = case.departure_at is not None and case.departure_at - timezone.now() <= DEPARTURE_SOON
    late = (today - opened).days > DUE_DAYS or soon
    result = []
    for req in protocols.requirements(version_of(case), facts(case)):
        entry = protocols.component(req.component)
        reason, status, evidence = req.reason, None, []
        if entry["kind"] == "test":
            status, evidence = _test_status(case, entry)
        elif entry["kind"] == "treatment" and req.required:
            status, evidence, why = _treatment_status(case)
            reason = why or reason
        else:
            status, evidence = _record_status(case, req.component)
        if req.required is None:
            status = status or "unknown"
        elif not req.required:
            # A test the clinician ordered anyway shows its own state; it never blocks travel.
            status = status if status in ("done", "pending") else "not_applicable"
        elif status is None or status == "pending":
            status = "overdue" if late else "pending"
        result.append(
            Item(
                req.component,
                req.name,
                req.required,
                status,
                reason,
                req.confirmed,
                req.notes,
                evidence,
                extra=req.required is False and status in ("done", "pending"),
            )
        )
    named = {code for r in version_of(case)["rows"] for code in [r["component"]]}
    for code, entry in protocols.data()["components"].items():
        if code in named or entry["kind"] != "test":
            continue
        status, evidence = _test_status(case, entry)
        if status:
            result.append(
                Item(
                    code,
                    protocols.named(entry),
                    False,
                    status,
                    _("Ordered by the clinician; not part of this protocol."),
                    evidence=evidence,
                    extra=True,
                )
            )
    return result


# --- Travel ---------------------------------------------------------------------------------


def exam_expires(case):
    if not case.exam_on:
        return None
    return case.exam_on + timedelta(days=version_of(case)["validity_days"])


def pec_window(case):
    """(earliest, latest) moments of the pre-embarkation check, or None without a flight."""
    if case.departure_at is None:
        return None
    low, high = version_of(case)["pec_hours"]
    return case.departure_at - timedelta(hours=high), case.departure_at - timedelta(hours=low)


def blockers(case, today: date | None = None) -> list[str]:
    """What stands between the case and travel clearance, in words; empty when it may clear."""
    found = []
    for item in items(case, today):
        if item.required and item.status in ("pending", "overdue"):
            found.append(_("%(component)s is not done.") % {"component": item.name})
        elif item.required is None:
            found.append(
                _("%(component)s: %(reason)s") % {"component": item.name, "reason": item.reason}
            )
    if not case.exam_on:
        found.append(_("The physical examination is not recorded."))
    if not case.tb_class:
        found.append(_("The TB classification is not decided."))
    elif (
        case.tb_class == TbClass.A
        and not case.dot_courses.filter(completed_on__isnull=False).exists()
    ):
        found.append(_("Class A TB: no travel clearance until treatment under DOT is complete."))
    fitness = protocols.fitness_categories().get(case.fitness)
    if fitness is None:
        found.append(_("Fitness to travel is not decided."))
    elif not fitness["clears"]:
        found.append(_("Not fit to travel: %(decision)s.") % {"decision": protocols.named(fitness)})
    elif "medical_escort" in fitness.get("needs", ()) and case.escort_id is None:
        found.append(_("A medical escort is needed and none is assigned."))
    expires = exam_expires(case)
    if expires and case.departure_at and timezone.localdate(case.departure_at) > expires:
        found.append(
            _("The examination expires on %(expires)s, before the flight on %(flight)s.")
            % {
                "expires": expires.strftime("%d.%m.%Y"),
                "flight": timezone.localdate(case.departure_at).strftime("%d.%m.%Y"),
            }
        )
    return found


def travel_status(case):
    """What anyone who may see the person may know: the state of travel, no clinical detail."""
    if case.status == case.Status.TRAVELLED:
        return _("Travelled")
    if case.status == case.Status.CLEARED:
        expires = exam_expires(case)
        if expires:
            return _("Cleared to travel (examination valid until %(day)s)") % {
                "day": expires.strftime("%d.%m.%Y")
            }
        return _("Cleared to travel")
    if case.status == case.Status.ON_HOLD:
        return _("On hold: not cleared to travel")
    if case.status == case.Status.CLOSED:
        return _("Closed")
    return _("Assessment in progress: not cleared to travel yet")
