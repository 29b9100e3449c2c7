"""The education demo: deterministic (a fixed seed), written through the app's own functions
(so every rule holds for it) and run once (route SUR-01 marks it done).

- School transport: the summer school that ended before the term and the current term; four
  routes (SUR-01 daily and SUR-02 weekly in Şanlıurfa, HAT-01 in Hatay, GAZ-01 in Gaziantep)
  with the registered children of the right age and their guardians; SUR-02 is full, so
  enrolling one more pupil on it shows the refusal. Attendance every school day (weekly on
  SUR-02) up to today; two pupils withdrawn during the term.
- Courses: Turkish A1 at the Haliliye Community Centre (closed, certificates issued), a
  computer course and a knitting course at the Şahinbey Municipal Migrant and Community
  Centre, a FabLab IoT training at the Uyum Innovation Centre, a children's sports course at
  Haliliye; sessions with attendance.
- Special education: children with a difficulty recorded in the registry referred, with
  their guardian's consent, to special-education centres; most accepted and followed up.

Where the registry has too few children of an age in a province, families are registered
through the registry's services (the demo's children are named, never random strings)."""

import random
import uuid
from datetime import date, time, timedelta

from django.db.models import Q
from django.utils import timezone

from kopru.core import services as core
from kopru.core.demo import moment
from kopru.core.models import Location, Mission, Project, User
from kopru.registry import services as registry
from kopru.registry.demo import named_person
from kopru.registry.models import Household, Membership, Person
from kopru.services import referrals
from kopru.services.models import Provider

from . import courses, services, special, transport
from .models import Course, Period, Route, SpecialCase

NAMESPACE = uuid.UUID("0c7f6b2e-4a1d-4e8b-9f35-7d2a6c1b9e40")
SEED = 9

# (code, province, district, school, plate, seats, capacity, pupils, mode, monthly cost,
#  driver, contractor, stops [(name, pick-up)], summer school)
ROUTES = [
    ("SUR-01", "TR63", "Haliliye", "Haliliye Primary School", "63 ADF 118", 35, 35, 24, "daily",
     "38500.00", "Mahmut Kaya", "Harran Servis Taşımacılık",
     [("Yenice square", "07:05"), ("Bahçelievler mosque", "07:20"), ("Süleymaniye park", "07:35")],
     True),
    ("SUR-02", "TR63", "Haliliye", "Haliliye Atatürk Secondary School", "63 AKR 402", 27, 25, 25,
     "weekly", "29000.00", "Ahmet Demirtaş", "Harran Servis Taşımacılık",
     [("Devteşti crossroads", "07:10"), ("Sırrın market", "07:25")], False),
    ("HAT-01", "TR31", "Antakya", "Antakya Cumhuriyet Primary School", "31 HT 6120", 30, 30, 22,
     "daily", "34000.00", "Yusuf Arslan", "",
     [("Armutlu container site", "07:00"), ("Cumhuriyet avenue", "07:20")], True),
    ("GAZ-01", "TR27", "Şahinbey", "Şahinbey Gazi Primary School", "27 GZ 3307", 30, 30, 22,
     "daily", "33500.00", "Hüseyin Öztürk", "Antep Öğrenci Servisleri",
     [("Düztepe", "07:10"), ("Beydilli", "07:25"), ("Karataş", "07:40")], False),
]  # fmt: skip

# New school sites the officer needed (added by the administrator through the core).
SCHOOLS = [
    ("TR63", "Haliliye", "Haliliye Atatürk Secondary School"),
    ("TR31", "Antakya", "Antakya Cumhuriyet Primary School"),
    ("TR27", "Şahinbey", "Şahinbey Gazi Primary School"),
]
FABLAB = ("TR27", "Şahinbey", "Uyum Innovation Centre (FabLab)")

# (kind, title, centre, trainer, capacity, language, schedule, weeks ago it started, length in
#  weeks, weekdays of the sessions (0 Monday), learners, ages, women only, closed)
COURSES = [
    ("turkish_a1", "Türkçe A1 — Haliliye", "Haliliye Community Centre", "Selin Avcı", 20, "tr",
     "Mon, Wed 10:00–12:00", 12, 9, (0, 2), 18, (18, 60), False, True),
    ("computer", "", "Şahinbey Municipal Migrant and Community Centre", "Okan Er", 12, "tr",
     "Tue, Thu 14:00–16:00", 6, 10, (1, 3), 12, (16, 45), False, False),
    ("knitting", "", "Şahinbey Municipal Migrant and Community Centre", "Nuran Çelik", 15, "ar",
     "Sat 10:00–12:00", 8, 12, (5,), 14, (18, 65), True, False),
    ("fablab_iot", "", FABLAB[2], "Deniz Karaca", 16, "tr", "Fri 13:00–16:00", 5, 8, (4,), 15,
     (15, 29), False, False),
    ("sports", "Football for girls and boys", "Haliliye Community Centre", "Cem Tekin", 24, "tr",
     "Sat 09:30–11:00", 7, 12, (5,), 20, (8, 14), False, False),
]  # fmt: skip

CENTRES = [
    # (name, province, district) of special-education centres not yet in the directory
    ("Şahinbey Special Education and Rehabilitation Centre", "TR27", "Şahinbey"),
    ("Antakya Guidance and Research Centre (RAM)", "TR31", "Antakya"),
]
NEEDS = [
    "Cannot read the board; the teacher noticed in the first weeks.",
    "Hearing difficulty; follows lessons only from the front row.",
    "Walks with crutches; the school has stairs only.",
    "Slow to learn to read in grade 3; assessment for special educational needs.",
    "Speech delay; the family asks for support at school.",
]
FOLLOW_NOTES = [
    ("centre", "Assessment done at the centre; individual education plan drafted.",
     "Share the plan with the school counsellor"),
    ("both", "Attends the centre twice a week and school every day.", "Check progress in a month"),
    ("school", "Back at school with a support teacher; the family is satisfied.",
     "Follow up next month"),
    ("centre", "Attends the centre; the transport to the centre is arranged.", ""),
]  # fmt: skip
GUARDIAN_NAMES = ["Amina", "Fatima", "Hanan", "Rima", "Samira", "Zeynep", "Nour", "Maryam"]
CHILD_NAMES = {
    "female": ["Lina", "Sara", "Hiba", "Jana", "Rana", "Maya", "Dana", "Leen"],
    "male": ["Omar", "Ali", "Yaman", "Adam", "Karim", "Sami", "Fadi", "Hadi"],
}


def _uid(name):
    return uuid.uuid5(NAMESPACE, name)


def _age(person, on):
    return services.age_on(person, on)


def _periods(officer, tr, today):
    """The term began on the Monday eleven weeks ago; the summer school ran the four weeks
    that ended a week before it."""
    term_start = today - timedelta(days=today.weekday()) - timedelta(weeks=11)
    summer_end = term_start - timedelta(days=10)
    summer_start = summer_end - timedelta(days=summer_end.weekday()) - timedelta(weeks=3)
    term_end = date(term_start.year + (term_start.month > 6), 1, 23)
    if term_end <= today:
        term_end = today + timedelta(days=60)
    periods = {}
    for key, name, kind, start, end in (
        ("summer", f"Summer school {summer_start.year}", Period.Kind.SUMMER, summer_start,
         summer_end),
        ("term", f"Term 1, {term_start.year}–{term_start.year + 1}", Period.Kind.TERM,
         term_start, term_end),
    ):  # fmt: skip
        periods[key] = Period.objects.filter(mission=tr, name=name).first() or services.save_period(
            officer, Period(mission=tr, name=name, kind=kind, starts_on=start, ends_on=end)
        )
    return periods


def _site(admin, tr, province, district_name, name, site_type):
    district = Location.objects.get(mission=tr, parent__pcode=province, name=district_name)
    found = Location.objects.filter(mission=tr, parent=district, name=name).first()
    return found or core.create_site(
        admin,
        mission=tr,
        parent=district,
        name=name,
        site_type=site_type,
        uid=_uid(f"site/{name}"),
    )


def _adult_of(child, today):
    """The guardian: an adult of the child's household (head or spouse first), else an adult
    of the same family name living in the same place."""
    home = (
        Membership.objects.filter(person=child, end_date__isnull=True)
        .values_list("household", flat=True)
        .first()
    )
    if home:
        adults = [
            m.person
            for m in Membership.objects.filter(household=home, end_date__isnull=True)
            .exclude(person=child)
            .select_related("person")
            .order_by("relationship", "person__reference")
        ]
        adults = [p for p in adults if (_age(p, today) or 0) >= 18]
        if adults:
            return adults[0]
    same = Person.objects.filter(
        mission=child.mission,
        location=child.location,
        family_name=child.family_name,
        merged_into__isnull=True,
        birth_date__lte=today.replace(year=today.year - 20),
    ).order_by("-sex", "reference")
    return same.first()


def _guardian_for(officer, child, rng, today):
    """A child registered alone: the mother who comes to enrol them is registered, heading a
    household with the child."""
    mother = named_person(
        officer,
        child.location,
        _uid(f"guardian/{child.uid}"),
        given_name=rng.choice(GUARDIAN_NAMES),
        family_name=child.family_name,
        given_name_original="",
        sex="female",
        nationality=child.nationality or "SYR",
        birth_date=date(today.year - rng.randint(30, 45), rng.randint(1, 12), 1),
    )
    if not mother.memberships.filter(end_date__isnull=True).exists():
        home = registry.create_household(
            officer, Household(mission=child.mission, location=child.location), head=mother
        )
        if not child.memberships.filter(end_date__isnull=True).exists():
            registry.add_member(officer, home, child, "child")
    return mother


def _family(officer, site, key, rng, today, ages, **extra):
    """A mother and her children, registered through the registry for the demo's needs."""
    family = rng.choice(["Al-Ahmad", "Haddad", "Khalil", "Darwish", "Hamdan", "Mansour", "Qasem"])
    mother = named_person(
        officer,
        site,
        _uid(f"{key}/mother"),
        given_name=rng.choice(GUARDIAN_NAMES),
        family_name=family,
        sex="female",
        birth_date=date(today.year - rng.randint(28, 45), rng.randint(1, 12), 1),
        languages=["ara"],
    )
    home = Household.objects.filter(
        memberships__person=mother, memberships__end_date=None
    ).first() or registry.create_household(
        officer, Household(mission=site.mission, location=site), head=mother
    )
    children = []
    for n, age in enumerate(ages):
        sex = rng.choice(["female", "male"])
        child = named_person(
            officer,
            site,
            _uid(f"{key}/child{n}"),
            given_name=rng.choice(CHILD_NAMES[sex]),
            family_name=family,
            sex=sex,
            birth_date=date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)),
            languages=["ara"],
            **extra,
        )
        if not child.memberships.filter(end_date__isnull=True).exists():
            registry.add_member(officer, home, child, "child")
        children.append(child)
    return children


def _people(tr, province, lo, hi, on, *, women=False, exclude=()):
    path = Location.objects.get(mission=tr, pcode=province).path
    qs = Person.objects.filter(
        mission=tr, location__path__startswith=path, merged_into__isnull=True
    ).exclude(pk__in=list(exclude))
    if women:
        qs = qs.filter(sex="female")
    return [p for p in qs.order_by("reference") if lo <= (_age(p, on) or -1) <= hi]


def _pupils(officer, tr, spec, periods, n, rng, today, taken):
    """Children of school age in both periods, and their guardians."""
    code, province, district_name = spec[0], spec[1], spec[2]
    found = [
        p
        for p in _people(tr, province, 5, 17, periods["term"].starts_on, exclude=taken)
        if (_age(p, periods["summer"].starts_on) or 0) >= 5
    ]
    site = (
        Location.objects.filter(
            mission=tr, parent__parent__pcode=province, parent__name=district_name, level="site"
        )
        .order_by("pcode")
        .first()
    )
    k = 0
    while len(found) < n:
        found += _family(officer, site, f"{code}/family{k}", rng, today, [7, 10, 13])
        k += 1
    return found[:n]


def _attendance(officer, route, period, enrolments, rng, today):
    """Every school day of the period up to today (weekly routes: each week's days)."""
    keen = {e.pk: rng.uniform(0.75, 0.98) for e in enrolments}
    days = transport.school_days(period.starts_on, min(period.ends_on, today))
    if route.mode == Route.Mode.WEEKLY:
        days = sorted({transport.week_of(d, period)[0] for d in days})
    for day in days:
        on = transport.sheet_days(route, period, day)
        rides = {}
        for e in enrolments:
            if not transport.active_on(e, on):
                continue
            if route.mode == Route.Mode.WEEKLY:
                rides[e.pk] = sum(1 for _ in on if rng.random() < keen[e.pk])
            else:
                rides[e.pk] = int(rng.random() < keen[e.pk])
        if rides:
            transport.record_sheet(
                officer, route, day=day, rides=rides, uid=_uid(f"{route.code}/{day}")
            )


def _transport(officer, admin, tr, project, periods, rng, today, scale):
    taken = set()
    for spec in ROUTES:
        (code, province, district_name, school_name, plate, seats, capacity, pupils, mode, cost,
         driver, contractor, stops, summer) = spec  # fmt: skip
        district = Location.objects.get(mission=tr, parent__pcode=province, name=district_name)
        school = Location.objects.get(mission=tr, parent=district, name=school_name)
        capacity = max(3, round(capacity * scale)) if scale < 1 else capacity
        pupils = min(capacity, max(3, round(pupils * scale)))
        route = transport.save_route(
            officer,
            Route(
                mission=tr,
                code=code,
                province=district.parent,
                district=district,
                vehicle_plate=plate,
                seats=seats,
                capacity=capacity,
                driver=driver,
                contractor=contractor,
                monthly_cost=cost,
                project=project,
                mode=mode,
            ),
            schools=[school],
        )
        halts = [
            transport.add_stop(officer, route, name=name, pickup=time.fromisoformat(at))
            for name, at in stops
        ]
        children = _pupils(officer, tr, spec, periods, pupils, rng, today, taken)
        taken |= {c.pk for c in children}
        for key in ("summer", "term") if summer else ("term",):
            period = periods[key]
            enrolments = []
            for n, child in enumerate(children):
                guardian = _adult_of(child, today) or _guardian_for(officer, child, rng, today)
                enrolments.append(
                    transport.enrol(
                        officer,
                        route,
                        period,
                        pupil=child,
                        guardian=guardian,
                        school=school,
                        stop=halts[n % len(halts)],
                        uid=_uid(f"{code}/{key}/{child.uid}"),
                    )
                )
            if key == "term" and code in ("SUR-01", "HAT-01") and len(enrolments) > 4:
                # A month into the term the family moved; the sheets after it leave her out.
                transport.withdraw(
                    officer,
                    enrolments[3],
                    on=period.starts_on + timedelta(days=28),
                    reason="The family moved to Istanbul.",
                )
            _attendance(officer, route, period, enrolments, rng, today)


def _courses(officer, admin, tr, project, rng, today, scale):
    taken = set()
    for (kind, title, centre_name, trainer, capacity, language, schedule, weeks_ago, weeks,
         weekdays, learners, ages, women, closed) in COURSES:  # fmt: skip
        centre = Location.objects.get(mission=tr, name=centre_name)
        start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_ago)
        course = courses.save_course(
            officer,
            Course(
                mission=tr,
                kind=kind,
                title=title,
                centre=centre,
                starts_on=start,
                ends_on=start + timedelta(weeks=weeks) - timedelta(days=3),
                schedule=schedule,
                trainer=trainer,
                capacity=capacity,
                language=language,
                hours=None,
                threshold=None,
                project=project,
            ),
        )
        province = centre.path.split("/")[1]
        people = _people(tr, province, ages[0], ages[1], today, women=women, exclude=taken)
        k = 0
        while len(people) < max(3, round(learners * scale)):
            site = centre if centre.site_type != "school" else centre.parent
            kids = _family(officer, site, f"{kind}/family{k}", rng, today, [ages[0] + 1])
            people += [p for p in kids if ages[0] <= (_age(p, today) or 0) <= ages[1]]
            k += 1
        people = people[: max(3, round(learners * scale))]
        taken |= {p.pk for p in people}
        enrolled = [courses.enrol(officer, course, p, uid=_uid(f"{kind}/{p.uid}")) for p in people]
        keen = {e.pk: rng.choice([0.97, 0.95, 0.9, 0.85, 0.7, 0.55]) for e in enrolled}
        minutes = courses.kinds()[kind]["session_minutes"]
        day, n = start, 0
        while day <= min(course.ends_on, today):
            if day.weekday() in weekdays:
                present = [e for e in enrolled if rng.random() < keen[e.pk]] or enrolled[:1]
                at = timezone.localtime(moment(day, 10 if kind != "computer" else 14))
                if at.date() == day:
                    n += 1
                    courses.record_session(
                        officer,
                        course,
                        day=day,
                        start=at.time().replace(second=0, microsecond=0),
                        minutes=minutes,
                        topic=f"{courses.kind_label(kind, 'en')} · {n}",
                        present=present,
                        uid=_uid(f"{kind}/session/{day}"),
                    )
            day += timedelta(days=1)
        if closed and course.sessions.exists():
            courses.close_course(officer, course)
            for learner in course.learners.filter(completed=True):
                courses.issue_certificate(officer, learner)


def _special(officer, admin, tr, rng, today, scale):
    centres = {p.location.path.split("/")[1]: p for p in special.centres(tr)}
    for name, province, district_name in CENTRES:
        if province in centres:
            continue
        district = Location.objects.get(mission=tr, parent__pcode=province, name=district_name)
        centres[province] = referrals.save_provider(
            admin,
            Provider(
                mission=tr,
                name=name,
                kind=Provider.Kind.SPECIAL_EDUCATION,
                location=district,
                phone="+90 342 555 0400" if province == "TR27" else "+90 326 555 0400",
                languages=["tur"],
                eligibility="Children aged 0–18 with a special educational need; a parent comes "
                "along with the school report.",
                hours="Mon–Fri 08:30–16:30",
            ),
        )
    level = services.rules()["special_education"]["min_wg_level"]
    needy = Q()
    for domain in ("wg_seeing", "wg_hearing", "wg_mobility", "wg_cognition", "wg_communication"):
        needy |= Q(**{f"{domain}__gte": level})
    children = []
    for province in ("TR63", "TR27", "TR31"):
        path = Location.objects.get(pcode=province).path
        found = [
            p
            for p in Person.objects.filter(
                needy, mission=tr, location__path__startswith=path, merged_into__isnull=True
            ).order_by("reference")
            if 4 <= (_age(p, today) or -1) <= 16 and _adult_of(p, today) is not None
        ]
        children += [(province, p) for p in found[:4]]
    wanted = max(3, round(10 * scale))
    k = 0
    while len(children) < wanted:
        site = Location.objects.get(mission=tr, name="Haliliye Community Centre")
        kids = _family(officer, site, f"special/family{k}", rng, today, [9], wg_hearing=3)
        children += [("TR63", kid) for kid in kids]
        k += 1
    children = children[:wanted]
    schools = {
        s.path.split("/")[1]: s
        for s in Location.objects.filter(mission=tr, site_type="school").order_by("-pcode")
    }
    for n, (province, child) in enumerate(children):
        centre = centres.get(province) or next(iter(centres.values()))
        guardian = _adult_of(child, today)
        registry.record_consent(
            officer,
            child,
            purpose="referral",
            decision="given",
            language="ar" if child.nationality != "TUR" else "tr",
            recipient=centre.name,
            guardian=guardian,
            guardian_relationship="mother" if guardian.sex == "female" else "father",
            uid=_uid(f"special/consent/{child.uid}"),
        )
        opened = moment(today - timedelta(days=80 - n * 6), 11)
        case = special.refer(
            officer,
            child,
            centre=centre,
            school=schools.get(province),
            needs=NEEDS[n % len(NEEDS)],
            at=opened,
            uid=_uid(f"special/{child.uid}"),
        )
        if n % 5 == 4:
            continue  # still waiting for the centre
        if n % 7 == 3:
            special.record_answer(
                officer, case, accepted=False, reason="No place until next term; refer again."
            )
            continue
        special.record_answer(officer, case, accepted=True)
        first = opened.date() + timedelta(days=14)
        for k in range(1 + n % 4):
            day = first + timedelta(days=18 * k)
            if day > today:
                break
            attendance, notes, step = FOLLOW_NOTES[(n + k) % len(FOLLOW_NOTES)]
            special.record_follow_up(
                officer,
                case,
                day=day,
                attendance=attendance,
                notes=notes,
                next_step=step,
                uid=_uid(f"special/{child.uid}/{k}"),
            )
        if n == 0:
            special.close_case(
                officer, case, reason="Placed in a special-education class; follow-up ends."
            )


def load_demo_education(scale=1.0):
    """`scale` below 1 makes a smaller demo (the tests')."""
    tr = Mission.objects.filter(code="TR").first()
    if tr is None or Route.objects.filter(mission=tr, code="SUR-01").exists():
        return
    officer = User.objects.get(username="education_officer")
    admin = User.objects.get(username="admin")
    project = Project.objects.get(mission=tr, code="EDU-2026")
    rng = random.Random(SEED)
    today = timezone.localdate()
    for province, district_name, name in SCHOOLS:
        _site(admin, tr, province, district_name, name, "school")
    _site(admin, tr, *FABLAB, "community_centre")
    periods = _periods(officer, tr, today)
    _transport(officer, admin, tr, project, periods, rng, today, scale)
    _courses(officer, admin, tr, project, rng, today, scale)
    if not SpecialCase.objects.filter(mission=tr).exists():
        _special(officer, admin, tr, rng, today, scale)
