"""Skills profiles, employers, vacancies, placements and their follow-ups (issue 9, item 4):
every write of the job side of livelihoods (CONVENTIONS.md: one write path).

A profile created or reviewed with the person may be recorded as vocational counselling; a
placement is a skills-matching-and-placement service; both are ledger events."""

import calendar
import uuid
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, money
from kopru.core.models import AuditEvent, Location
from kopru.registry.models import Person
from kopru.services import catalogue
from kopru.services import services as ledger
from kopru.services.models import Modality

from . import codes
from .models import Employer, FollowUp, Placement, Profile, Vacancy
from .services import _audit, _ensure, _ensure_place, _not_after_today, _when, province_of


def add_months(day, months):
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


service_type = catalogue.offered


def at_noon(day):
    """A service dated by a day only: noon of that day, never later than now."""
    return min(timezone.make_aware(datetime.combine(day, time(12, 0))), timezone.now())


def _person(actor, person, field="person"):
    if not isinstance(person, Person):
        raise ValidationError({field: _("Choose a registered person.")})
    if person.merged_into_id:
        raise ValidationError(
            {
                field: _("%(reference)s was merged; use %(survivor)s.")
                % {"reference": person.reference, "survivor": person.merged_into.reference}
            }
        )
    if not access.can_see_location(actor, person.location):
        raise PermissionDenied(_("This person lives outside your teams' places."))


def _site(actor, mission, site, fallback):
    """Where a service was given: the site named, else the person's own place."""
    site = site or fallback
    if site.mission_id != mission.pk or site.level not in (
        Location.Level.SITE,
        Location.Level.DISTRICT,
    ):
        raise ValidationError({"site": _("Choose a site or a district.")})
    _ensure_place(actor, site)
    return site


# --- Profiles -------------------------------------------------------------------------------


def clean_languages(rows, field="languages"):
    known, levels = codes.labour("languages"), codes.labour("language_levels")
    clean, seen = [], set()
    for row in rows or []:
        code, level = (row.get("code") or "").strip(), (row.get("level") or "").strip()
        if not code and not level:
            continue
        if code not in known or level not in levels:
            raise ValidationError({field: _("Choose each language and its level from the list.")})
        if code in seen:
            raise ValidationError({field: _("Each language is named once.")})
        seen.add(code)
        clean.append({"code": code, "level": level})
    return clean


def _clean_profile(data):
    errors, units = {}, codes.unit_groups()
    occupations = []
    for row in data.get("occupations") or []:
        isco = str(row.get("isco") or "").strip()
        if not isco:
            continue
        if isco not in units:
            errors["occupations"] = _("%(code)s is not an ISCO-08 unit group of the list.") % {
                "code": isco
            }
            continue
        try:
            years = int(row.get("years") or 0)
        except (TypeError, ValueError):
            years = -1
        if not 0 <= years <= 60:
            errors["occupations"] = _("Years of experience are a whole number from 0 to 60.")
        occupations.append({"isco": isco, "years": years})
    if not occupations and "occupations" not in errors:
        errors["occupations"] = _("Give at least one occupation.")
    if len({o["isco"] for o in occupations}) != len(occupations):
        errors["occupations"] = _("Each occupation is named once.")
    try:
        languages = clean_languages(data.get("languages"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        languages = []
    if str(data.get("education") or "") not in codes.education_levels():
        errors["education"] = _("Choose the education level.")
    certificates = []
    for row in data.get("certificates") or []:
        name = (row.get("name") or "").strip()
        if not name:
            continue
        year = row.get("year")
        try:
            year = int(year) if year not in (None, "") else None
        except (TypeError, ValueError):
            year = 0
        if year is not None and not 1950 <= year <= timezone.localdate().year:
            errors["certificates"] = _("A certificate's year is a year, not in the future.")
        certificates.append(
            {"name": name[:150], "issuer": (row.get("issuer") or "").strip()[:150], "year": year}
        )
    permit = codes.labour("work_permits").get(data.get("permit") or "")
    expires = data.get("permit_expires")
    if permit is None:
        errors["permit"] = _("Choose the work permit status.")
    elif permit.get("expires") and not expires:
        errors["permit_expires"] = _("Give the date the work permit runs until.")
    elif not permit.get("expires"):
        expires = None
    if data.get("availability") not in codes.labour("availability"):
        errors["availability"] = _("Choose when the person can work.")
    if errors:
        raise ValidationError(errors)
    return {
        "occupations": occupations,
        "languages": languages,
        "education": str(data["education"]),
        "certificates": certificates,
        "permit": data["permit"],
        "permit_expires": expires,
        "availability": data["availability"],
        "notes": (data.get("notes") or "").strip(),
    }


def save_profile(
    actor, person, *, uid=None, counselling=False, site=None, at=None, request=None, **data
):
    """The person's skills profile. Another profile of the person stops being current (it is
    kept); with `counselling`, the talk is a vocational counselling service. Sending the same
    `uid` again returns the profile stored the first time."""
    _ensure(actor, getattr(person, "mission", None))
    _person(actor, person)
    if (existing := ledger.sent_before(Profile, uid, person=person)) is not None:
        return existing
    clean = _clean_profile(data)
    where = _site(actor, person.mission, site, person.location) if counselling else None
    moment = _when(at)
    with transaction.atomic():
        Profile.objects.filter(person=person, current=True).update(current=False)
        profile = Profile.objects.create(
            uid=uid or uuid.uuid4(),
            mission=person.mission,
            person=person,
            location=person.location,
            province=province_of(person.location),
            created_by=actor,
            **clean,
        )
        if counselling:
            profile.event = ledger.record_service(
                actor,
                person.mission,
                uid=uuid.uuid5(profile.uid, "vocational_counselling"),
                request=request,
                service_type=service_type(person.mission, "vocational_counselling"),
                person=person,
                at=moment,
                location=where,
                staff=actor,
                modality=Modality.CENTRE,
            )
            profile.save(update_fields=["event"])
        _audit(
            actor,
            profile,
            AuditEvent.Action.CREATE,
            request,
            occupations=[o["isco"] for o in clean["occupations"]],
            counselling=bool(counselling),
        )
    return profile


# --- Employers and vacancies ----------------------------------------------------------------


def _province(actor, mission, province):
    if (
        not isinstance(province, Location)
        or province.mission_id != mission.pk
        or province.level != Location.Level.PROVINCE
    ):
        raise ValidationError({"province": _("Choose a province of this mission.")})
    from .services import may_see_province

    if not may_see_province(actor, province):
        raise ValidationError({"province": _("This province is outside your teams' places.")})


def save_employer(actor, employer, *, request=None):
    _ensure(actor, employer.mission)
    errors = {}
    employer.name = (employer.name or "").strip()
    if not employer.name:
        errors["name"] = _("Give the employer's name.")
    elif (
        Employer.objects.filter(mission=employer.mission, name__iexact=employer.name)
        .exclude(pk=employer.pk)
        .exists()
    ):
        errors["name"] = _("An employer of this name is already recorded.")
    if employer.sector not in codes.labour("sectors"):
        errors["sector"] = _("Choose the sector.")
    if employer.kind not in Employer.Kind.values:
        errors["kind"] = _("Say whether it is an employer or a partner.")
    try:
        _province(actor, employer.mission, employer.province)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    created = employer.pk is None
    with transaction.atomic():
        employer.created_by_id = employer.created_by_id or actor.pk
        employer.save()
        _audit(
            actor,
            employer,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            name=employer.name,
        )
    return employer


def save_vacancy(actor, vacancy, *, request=None):
    """A vacancy an employer (or a partner for it) posts."""
    _ensure(actor, vacancy.mission)
    if (
        existing := ledger.sent_before(
            Vacancy, vacancy.uid if vacancy.pk is None else None, mission=vacancy.mission
        )
    ) is not None:
        return existing
    errors = {}
    vacancy.title = (vacancy.title or "").strip()
    if not vacancy.title:
        errors["title"] = _("Give the job's title.")
    employer = getattr(vacancy, "employer", None) if vacancy.employer_id else None
    if employer is None or employer.mission_id != vacancy.mission_id:
        errors["employer"] = _("Choose the employer.")
    if vacancy.posted_by_id and (
        vacancy.posted_by.mission_id != vacancy.mission_id
        or vacancy.posted_by.kind != Employer.Kind.PARTNER
    ):
        errors["posted_by"] = _("Only a partner organisation posts for an employer.")
    if str(vacancy.isco) not in codes.unit_groups():
        errors["isco"] = _("Choose the occupation (an ISCO-08 unit group).")
    try:
        _province(actor, vacancy.mission, vacancy.province if vacancy.province_id else None)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        vacancy.languages = clean_languages(vacancy.languages)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if str(vacancy.min_education) not in codes.education_levels():
        errors["min_education"] = _("Choose the minimum education.")
    if not isinstance(vacancy.positions, int) or vacancy.positions < 1:
        errors["positions"] = _("Give the number of positions, one or more.")
    if not vacancy.opens_on or not vacancy.closes_on:
        errors["closes_on"] = _("Give the dates the vacancy is open.")
    elif vacancy.closes_on < vacancy.opens_on:
        errors["closes_on"] = _("The vacancy cannot close before it opens.")
    if vacancy.pk and vacancy.placements.count() > (vacancy.positions or 0):
        errors["positions"] = _("More people are already placed than this.")
    if errors:
        raise ValidationError(errors)
    created = vacancy.pk is None
    with transaction.atomic():
        vacancy.created_by_id = vacancy.created_by_id or actor.pk
        vacancy.save()
        _audit(
            actor,
            vacancy,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            isco=vacancy.isco,
            positions=vacancy.positions,
        )
    return vacancy


def is_open(vacancy, on=None):
    on = on or timezone.localdate()
    return vacancy.opens_on <= on <= vacancy.closes_on


def filled(vacancy):
    return vacancy.placements.count()


# --- Placements and follow-ups --------------------------------------------------------------


def place(
    actor,
    vacancy,
    person,
    *,
    start_date,
    contract,
    monthly_wage,
    uid=None,
    site=None,
    at=None,
    request=None,
):
    """The person starts the job: refused when the vacancy is closed or full. The placement
    is a skills-matching-and-placement service and sets its 3- and 6-month follow-ups."""
    _ensure(actor, vacancy.mission)
    _person(actor, person)
    from .services import may_see_province

    if not may_see_province(actor, vacancy.province):
        raise PermissionDenied(_("This vacancy is outside your teams' places."))
    if (existing := ledger.sent_before(Placement, uid, person=person)) is not None:
        return existing
    moment = _when(at)
    errors = {}
    if person.mission_id != vacancy.mission_id:
        errors["person"] = _("This person is registered in another mission.")
    if not is_open(vacancy, timezone.localtime(moment).date()):
        errors["vacancy"] = _("This vacancy is closed.")
    if start_date is None:
        errors["start_date"] = _("Give the start date.")
    elif start_date < vacancy.opens_on:
        errors["start_date"] = _("The job cannot start before the vacancy opened.")
    if contract not in codes.labour("contract_types"):
        errors["contract"] = _("Choose the type of contract.")
    try:
        wage = money.parse(monthly_wage, "monthly_wage")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if Placement.objects.filter(person=person, vacancy=vacancy).exists():
        errors["person"] = _("This person is already placed in this vacancy.")
    if errors:
        raise ValidationError(errors)
    where = _site(actor, vacancy.mission, site, person.location)
    with transaction.atomic():
        Vacancy.objects.select_for_update().get(pk=vacancy.pk)  # two officers, one last place
        if filled(vacancy) >= vacancy.positions:
            raise ValidationError({"vacancy": _("All positions of this vacancy are filled.")})
        uid = uid or uuid.uuid4()
        event = ledger.record_service(
            actor,
            vacancy.mission,
            uid=uuid.uuid5(uid, "skills_matching_placement"),
            request=request,
            service_type=service_type(vacancy.mission, "skills_matching_placement"),
            person=person,
            at=moment,
            location=where,
            staff=actor,
            modality=Modality.CENTRE,
        )
        placement = Placement.objects.create(
            uid=uid,
            mission=vacancy.mission,
            person=person,
            vacancy=vacancy,
            start_date=start_date,
            contract=contract,
            monthly_wage=wage,
            event=event,
            recorded_by=actor,
        )
        FollowUp.objects.bulk_create(
            FollowUp(placement=placement, month=m, due_on=add_months(start_date, m))
            for m in codes.labour_setting("follow_up_months")
        )
        _audit(actor, placement, AuditEvent.Action.CREATE, request, vacancy=vacancy.pk)
    return placement


def record_follow_up(
    actor, follow_up, *, employed, reason="", notes="", done_on=None, request=None
):
    """Still employed, or left and why."""
    placement = follow_up.placement
    _ensure(actor, placement.mission)
    _ensure_place(actor, placement.person.location)
    errors = {}
    if follow_up.done_on:
        errors["follow_up"] = _("This follow-up is already recorded.")
    done_on = done_on or timezone.localdate()
    try:
        _not_after_today(done_on, "done_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if done_on < placement.start_date:
        errors["done_on"] = _("A follow-up comes after the job started.")
    if employed not in (True, False):
        errors["employed"] = _("Say whether the person still works there.")
    elif not employed and reason not in codes.labour("leaving_reasons"):
        errors["reason"] = _("Say why the person left.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        follow_up.done_on, follow_up.employed = done_on, employed
        follow_up.reason = "" if employed else reason
        follow_up.notes, follow_up.done_by = (notes or "").strip(), actor
        follow_up.save()
        _audit(actor, placement, request=request, follow_up=follow_up.month, employed=employed)
    return follow_up


# --- Reads, filtered by the access policy ---------------------------------------------------


def visible_profiles(user, mission):
    qs = Profile.objects.filter(current=True).select_related("person", "province", "location")
    return access.scope(user, qs, mission, path_field="location__path")


def visible_employers(user, mission):
    return _province_scope(user, Employer.objects.select_related("province"), mission)


def visible_vacancies(user, mission):
    qs = Vacancy.objects.select_related("employer", "posted_by", "province")
    return _province_scope(user, qs, mission)


def _province_scope(user, qs, mission):
    """Rows whose province holds one of the user's places (a team working in a district sees
    the province's vacancies)."""
    if not access.in_mission(user, mission):
        return qs.none()
    prefixes = access.location_prefixes(user, mission)
    qs = qs.filter(mission=mission)
    if prefixes is None:
        return qs
    provinces = {p.strip("/").split("/")[1] for p in prefixes if p.count("/") >= 2}
    return qs.filter(province__pcode__in=provinces)


def open_vacancies(user, mission, on=None):
    on = on or timezone.localdate()
    return visible_vacancies(user, mission).filter(opens_on__lte=on, closes_on__gte=on)


def visible_placements(user, mission):
    qs = Placement.objects.select_related("person", "vacancy", "vacancy__employer")
    return access.scope(user, qs, mission, path_field="person__location__path")


def follow_up_state(follow_up, today=None):
    """ "done", "overdue", "due" (within the days the data file says) or "later"."""
    today = today or timezone.localdate()
    if follow_up.done_on:
        return "done"
    if follow_up.due_on < today:
        return "overdue"
    if (follow_up.due_on - today).days <= codes.labour_setting("follow_up_due_soon_days"):
        return "due"
    return "later"
