"""The psychosocial teams' demo: deterministic, written through the app's own functions (so
every rule holds for it), idempotent by fixed uids.

- PMT Şanlıurfa this week: a plan, an awareness session on early and forced marriage at the
  Haliliye Community Centre with registered participants and a headcount of the rest, and
  the participants' feedback.
- An 8-session parenting skills group with attendance (most complete it, some do not) and
  PHQ-9 before and after.
- Hanan's PHQ-9 with item 9 answered: a safety alert waiting for the counsellor's action,
  already on the supervisor's screen. An older alert shows an action recorded.
- Across the year: the other teams' activities of every kind (16 days of activism, World
  Mental Health Day, a focus group with carers of persons with disabilities, cooking,
  individual sessions), so the report and the dashboards have psychosocial figures.
"""

import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kopru.core.demo import moment
from kopru.core.models import Location, Mission, Team, User
from kopru.registry.demo import named_person
from kopru.registry.models import Person

from . import services
from .models import Activity, PlanItem, Programme, SafetyAlert

NAMESPACE = uuid.UUID("0b6f3c51-1f3e-4a8e-9a57-4c1d8e2f6a10")
SITE = "Haliliye Community Centre"
# PHQ-9 answers, before and after the group (item 9 always 0: alerts are planted apart).
BEFORE = [[2, 2, 1, 2, 1, 2, 1, 1, 0], [1, 2, 2, 1, 1, 1, 2, 0, 0], [2, 1, 2, 2, 2, 1, 1, 1, 0]]
AFTER = [[1, 1, 0, 1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 0, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0, 1, 0, 0]]


def _uid(name):
    return uuid.uuid5(NAMESPACE, name)


def _person(actor, site, key, **fields):
    return named_person(actor, site, _uid(key), **fields)


def _people(site, count, offset=0):
    """Registered people of the site's province, oldest records first (deterministic)."""
    province = site.path.split("/")[1]
    return list(
        Person.objects.filter(
            mission=site.mission, location__path__contains=f"/{province}/", merged_into__isnull=True
        ).order_by("pk")[offset : offset + count]
    )


def _cells(women=0, men=0, girls=0, boys=0, women_d=0, men_d=0):
    cells = [
        ("female", "18-59", False, women),
        ("male", "18-59", False, men),
        ("female", "12-17", False, girls),
        ("male", "5-11", False, boys),
        ("female", "18-59", True, women_d),
        ("male", "18-59", True, men_d),
    ]
    return [{"sex": s, "age_band": b, "disability": d, "count": n} for s, b, d, n in cells if n]


def _activity(counsellor, team, key, **fields):
    found = Activity.objects.filter(event__uid=_uid(key)).first()
    return found or services.record_activity(counsellor, team, uid=_uid(key), **fields)


def load_demo_mhpss(scale=None):
    if scale is None:
        scale = getattr(settings, "DEMO_SCALE", 1)
    if float(scale) <= 0:  # the users and sites only (a benchmark replaces the people)
        return
    mission = Mission.objects.get(code="TR")
    counsellor = User.objects.get(username="counsellor")
    supervisor = User.objects.get(username="supervisor")
    if not supervisor.phone:
        supervisor.phone = "+905321112233"
        supervisor.save(update_fields=["phone"])
    site = Location.objects.get(mission=mission, level="site", name=SITE)
    team = Team.objects.get(mission=mission, name="PMT Şanlıurfa")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    _plan(counsellor, team, site, monday)
    _awareness(counsellor, team, site, today)
    _parenting_group(counsellor, team, site, today)
    _alerts(counsellor, supervisor, team, site, today)
    _year(counsellor, mission, today)


def _plan(counsellor, team, site, monday):
    if PlanItem.objects.filter(team=team, day__gte=monday).exists():
        return
    for offset, kind, topic, notes in [
        (1, "awareness", "early_forced_marriage", "Women's group, Haliliye"),
        (2, "group_focused", "", "Parenting skills group"),
        (3, "sociocultural", "", "Reading and drawing for children"),
        (4, "focus_group", "", "Carers of persons with disabilities"),
    ]:
        day = max(monday + timedelta(days=offset), timezone.localdate())
        services.plan_activity(
            counsellor, team, day=day, location=site, kind=kind, topic=topic, notes=notes
        )


def _awareness(counsellor, team, site, today):
    """The session the issue's check names: a group awareness session with headcounts."""
    day = today - timedelta(days=2)
    present = _people(site, 4)
    activity = _activity(
        counsellor,
        team,
        "awareness-efm",
        kind="awareness",
        topic="early_forced_marriage",
        at=moment(day, 11),
        location=site,
        participants=present,
        headcounts=_cells(women=14, men=5, girls=6, boys=3, women_d=2),
        language="ara",
        interpreter="",
        notes="Session with women and adolescent girls; a lawyer joined for the questions.",
    )
    if not activity.feedback.exists():
        for n, (sat, use, safe, rec, comment) in enumerate(
            [
                (5, 5, True, True, "We want a session for fathers too."),
                (4, 5, True, True, ""),
                (5, 4, True, True, "Please repeat it in the evening for working women."),
                (3, 3, True, False, ""),
                (5, 5, True, True, ""),
            ]
        ):
            services.record_feedback(
                counsellor,
                activity,
                satisfied=sat,
                useful=use,
                safe=safe,
                recommend=rec,
                comment=comment,
                language="ar",
                uid=_uid(f"awareness-efm-feedback-{n}"),
            )


def _parenting_group(counsellor, team, site, today):
    programme = Programme.objects.filter(uid=_uid("parenting")).first()
    if programme is None:
        programme = services.create_programme(
            counsellor,
            team,
            name="Parenting group, Haliliye, autumn",
            curriculum="parenting_group",
            location=site,
            starts_on=today - timedelta(weeks=9),
            participants=_people(site, 10, offset=4),
            uid=_uid("parenting"),
        )
    enrolled = [e.person for e in programme.enrolments.order_by("person_id")]
    rng = random.Random(7)
    for number in range(1, programme.sessions + 1):
        if programme.runs.filter(number=number).exists():
            continue
        # The first seven come to nearly everything; the last three drop out midway.
        present = [
            p
            for i, p in enumerate(enrolled)
            if (i < 7 and rng.random() < 0.92) or (i >= 7 and number <= 4)
        ]
        services.record_programme_session(
            counsellor,
            programme,
            number=number,
            at=moment(programme.starts_on + timedelta(weeks=number - 1), 14),
            present=present,
            uid=_uid(f"parenting-{number}"),
        )
    for i, person in enumerate(enrolled[:6]):
        before, after = BEFORE[i % 3], AFTER[i % 3]
        for phase, answers, week in (("pre", before, 0), ("post", after, 8)):
            services.record_measure(
                counsellor,
                person,
                instrument="phq9",
                answers={n + 1: a for n, a in enumerate(answers)},
                language="ar",
                phase=phase,
                at=moment(programme.starts_on + timedelta(weeks=week), 13),
                location=site,
                team=team,
                programme=programme,
                uid=_uid(f"parenting-phq9-{i}-{phase}"),
            )
    return programme


def _alerts(counsellor, supervisor, team, site, today):
    hanan = _person(
        counsellor,
        site,
        "hanan",
        given_name="Hanan",
        family_name="Al-Khalil",
        given_name_original="حنان",
        family_name_original="الخليل",
        sex="female",
        birth_date=today.replace(year=today.year - 34),
    )
    _activity(
        counsellor,
        team,
        "hanan-session",
        kind="individual_focused",
        at=moment(today, 9),
        location=site,
        person=hanan,
        language="ara",
    )
    # Today: item 9 answered "several days"; the alert waits for the counsellor's action.
    services.record_measure(
        counsellor,
        hanan,
        instrument="phq9",
        answers={1: 2, 2: 3, 3: 2, 4: 2, 5: 1, 6: 2, 7: 1, 8: 1, 9: 1},
        language="ar",
        phase="pre",
        at=moment(today, 9),
        location=site,
        team=team,
        uid=_uid("hanan-phq9"),
    )
    # Last month: another alert, handled the same day and reviewed.
    older = _person(
        counsellor,
        site,
        "mahmoud",
        given_name="Mahmoud",
        family_name="Suleiman",
        sex="male",
        birth_date=today.replace(year=today.year - 41),
    )
    record = services.record_measure(
        counsellor,
        older,
        instrument="phq9",
        answers={1: 2, 2: 2, 3: 3, 4: 2, 5: 2, 6: 2, 7: 1, 8: 1, 9: 2},
        language="ar",
        phase="pre",
        at=moment(today - timedelta(days=30), 10),
        location=site,
        team=team,
        uid=_uid("mahmoud-phq9"),
    )
    alert = SafetyAlert.objects.filter(measure=record).first()
    if alert and alert.open:
        services.record_alert_action(
            counsellor,
            alert,
            action=SafetyAlert.Action.REFERRED,
            notes="Safety plan made with him and his brother; referred to the community mental "
            "health centre (TRSM) for an appointment the next morning, which he attended.",
        )
        services.review_alert(
            supervisor, alert, notes="Followed up with TRSM: under their care. Weekly calls."
        )


# (team name, site name, kind, extra fields) for the year's activities
YEAR = [
    ("PMT Gaziantep", "awareness", {"topic": "sixteen_days"}),
    ("PMT Gaziantep", "event", {"occasion": "world_mental_health_day"}),
    ("PMT Gaziantep", "group_non_focused", {}),
    ("PMT Hatay", "sociocultural", {"activity": "cooking"}),
    ("PMT Hatay", "awareness", {"topic": "positive_communication"}),
    ("PMT Hatay", "event", {"occasion": "world_childrens_day"}),
    ("PMT Şanlıurfa", "awareness", {"topic": "bodily_autonomy"}),
    ("PMT Şanlıurfa", "sociocultural", {"activity": "reading_drawing"}),
    (
        "PMT Şanlıurfa",
        "focus_group",
        {
            "findings": "Carers of persons with disabilities: transport to rehabilitation is the "
            "first barrier; respite for mothers is asked for; two families need home visits."
        },
    ),
    ("PMT Şanlıurfa", "awareness", {"topic": "stuttering"}),
]


def _year(counsellor, mission, today):
    """A group activity of each team most weeks of the past year, and individual sessions."""
    rng = random.Random(2026)
    teams = {t.name: t for t in Team.objects.filter(mission=mission, name__startswith="PMT ")}
    for week in range(1, 50, 2):
        team_name, kind, extra = YEAR[week % len(YEAR)]
        team = teams[team_name]
        day = today - timedelta(weeks=week, days=rng.randrange(0, 5))
        site = team.base
        _activity(
            counsellor,
            team,
            f"year-{week}",
            kind=kind,
            at=moment(day, 10 + rng.randrange(0, 6)),
            location=site,
            participants=_people(site, rng.randrange(2, 6), offset=rng.randrange(0, 40)),
            headcounts=_cells(
                women=rng.randrange(5, 20),
                men=rng.randrange(0, 10),
                girls=rng.randrange(0, 12),
                boys=rng.randrange(0, 12),
                women_d=rng.randrange(0, 3),
            ),
            **extra,
        )
    for n, person in enumerate(_people(teams["PMT Gaziantep"].base, 12)):
        _activity(
            counsellor,
            teams["PMT Gaziantep"],
            f"individual-{n}",
            kind="individual_focused" if n % 3 else "individual_non_focused",
            at=moment(today - timedelta(days=7 + 9 * n), 15),
            location=teams["PMT Gaziantep"].base,
            person=person,
        )
