"""Deterministic demo data for the core: a user per role, sites, teams, projects.

Run by `manage.py load_demo` (and so by `make demo`); running it again changes nothing.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from . import services
from .models import Donor, Location, Mission, Project, Role, Team, User
from .reference import load_reference

# (username = role slug, first name, last name, missions)
USERS = [
    ("admin", "Selin", "Aydın", ["TR", "BY"]),
    ("me_officer", "Murat", "Kaya", ["TR"]),
    ("physician", "Ayşe", "Demir", ["TR"]),
    ("nurse", "Elif", "Yıldız", ["TR"]),
    ("counsellor", "Zeynep", "Arslan", ["TR"]),
    ("caseworker", "Ömer", "Çelik", ["TR"]),
    ("supervisor", "Derya", "Kurt", ["TR"]),
    ("head_of_unit", "Kemal", "Yavuz", ["TR"]),
    ("cash_officer", "Hasan", "Şahin", ["TR"]),
    ("education_officer", "Fatma", "Koç", ["TR"]),
    ("livelihoods_officer", "Emre", "Öztürk", ["TR"]),
    ("shelter_engineer", "Burak", "Aslan", ["TR"]),
    ("capacity_officer", "Alena", "Kavaleva", ["BY"]),
    ("clerk", "Merve", "Doğan", ["TR"]),
    ("interpreter", "Rania", "Haddad", ["TR"]),
    ("partner", "Deniz", "Polat", ["TR"]),
]

# (province P-code, district name, site name, site type)
SITES = [
    ("TR34", "Fatih", "Migrant Health Centre Istanbul", "clinic"),
    ("TR06", "Çankaya", "Migration Health Clinic Ankara", "clinic"),
    ("TR34", "Fatih", "Mobile health vehicle base Istanbul", "mobile_base"),
    ("TR27", "Şahinbey", "Şahinbey Municipal Migrant and Community Centre", "municipal_centre"),
    ("TR63", "Haliliye", "Haliliye Community Centre", "community_centre"),
    ("TR31", "Antakya", "Antakya psychosocial mobile team base", "mobile_base"),
    ("TR46", "Onikişubat", "Onikişubat psychosocial mobile team base", "mobile_base"),
    ("TR35", "Konak", "Konak Community Centre", "community_centre"),
    ("TR63", "Haliliye", "Haliliye Primary School", "school"),
    ("TR01", "Yüreğir", "Yüreğir Community Centre", "community_centre"),
]

# (team, base site name, member usernames, working-location P-codes)
TEAMS = [
    (
        "Migrant Health Centre Istanbul",
        "Migrant Health Centre Istanbul",
        ["physician", "nurse", "interpreter"],
        ["TR34"],
    ),
    ("Ankara clinic team", "Migration Health Clinic Ankara", ["physician"], ["TR06"]),
    (
        "PMT Gaziantep",
        "Şahinbey Municipal Migrant and Community Centre",
        ["counsellor", "supervisor"],
        ["TR27"],
    ),
    ("PMT Hatay", "Antakya psychosocial mobile team base", ["counsellor", "supervisor"], ["TR31"]),
    ("PMT Şanlıurfa", "Haliliye Community Centre", ["counsellor", "supervisor"], ["TR63"]),
    (
        "Emergency case management South-East",
        "Şahinbey Municipal Migrant and Community Centre",
        # The cash officer pays the team's approved needs; the role does not see the cases.
        ["caseworker", "supervisor", "cash_officer"],
        ["TR27", "TR63", "TR79"],
    ),
    ("Basic needs Şanlıurfa", "Haliliye Community Centre", ["cash_officer"], ["TR63"]),
    ("Basic needs Adana", "Yüreğir Community Centre", ["cash_officer"], ["TR01"]),
    (
        "Education and school transport",
        "Haliliye Primary School",
        ["education_officer"],
        ["TR63", "TR31", "TR27"],
    ),
    (
        "Livelihoods Izmir and Adana",
        "Konak Community Centre",
        ["livelihoods_officer"],
        ["TR35", "TR01"],
    ),
    # The seeds' seven stabilisation projects span six provinces; repairs and rentals are in
    # Adana, Osmaniye and Gaziantep.
    (
        "Community stabilisation",
        "Yüreğir Community Centre",
        ["shelter_engineer"],
        ["TR01", "TR80", "TR27", "TR31", "TR35", "TR45", "TR46"],
    ),
    ("Registration Şanlıurfa", "Haliliye Community Centre", ["clerk"], ["TR63"]),
    (
        "Partner liaison Gaziantep",
        "Şahinbey Municipal Migrant and Community Centre",
        ["partner"],
        ["TR27"],
    ),
]

# The Belarus project's team: surveys, trainings, the council, legislation, prevention.
BELARUS_TEAM = "Migration health project Minsk"

# (code, name, donor, grant code, start, end, provinces, targets)
PROJECTS = [
    (
        "MHD-2026",
        "Migration health assessments and clinic care",
        "US Department of State (PRM)",
        "PRM-TR-2026-014",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        ["TR34", "TR06"],
        [
            ("People receiving a health assessment", 9000, "people"),
            ("Primary care consultations", 12000, "consultations"),
        ],
    ),
    (
        "PSS-2026",
        "Psychosocial mobile teams in the South-East",
        "European Union (ECHO)",
        "ECHO/TUR/BUD/2026/91017",
        dt.date(2026, 2, 1),
        dt.date(2027, 1, 31),
        ["TR27", "TR31", "TR46", "TR63", "TR35", "TR34"],
        [("People receiving psychosocial support", 12000, "people")],
    ),
    (
        "CBI-2026",
        "Cash-based assistance and e-vouchers",
        "Government of Japan",
        "JP-TR-CBI-2026",
        dt.date(2026, 4, 1),
        dt.date(2027, 3, 31),
        ["TR63", "TR27", "TR01"],
        [("Households receiving cash or vouchers", 2037, "households")],
    ),
    (
        "EDU-2026",
        "School transport and non-formal education",
        "German Federal Foreign Office",
        "GFFO-S09-2026-07",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        ["TR63", "TR31", "TR27"],
        [("Children transported to school", 6429, "people")],
    ),
    (
        "ECM-2026",
        "Emergency case management and protection",
        "European Union (ECHO)",
        "ECHO/TUR/BUD/2026/91018",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        ["TR27", "TR63", "TR79"],
        [("People supported through case management", 600, "people")],
    ),
    (
        "CST-2026",
        "Community stabilisation and shelter",
        "European Union (Facility for Refugees in Türkiye)",
        "FRIT-CST-2026-03",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        ["TR01", "TR27", "TR31", "TR35", "TR45", "TR46"],
        [("People reached by community stabilisation", 6199, "people")],
    ),
    (
        "LIV-2026",
        "Livelihoods: skills, jobs and grants to migrant-owned businesses",
        "Government of the Netherlands",
        "NL-TR-LIV-2026-02",
        dt.date(2026, 3, 1),
        dt.date(2027, 2, 28),
        ["TR35", "TR01"],
        [("People placed in jobs or supported with grants", 120, "people")],
    ),
    (
        "BY-CD-2026",
        "Migration health and communicable diseases",
        "European Union (ECHO)",
        "ECHO/BLR/BUD/2026/91042",
        dt.date(2026, 3, 1),
        dt.date(2027, 2, 28),
        ["BY02"],
        [("Government staff trained", 120, "people")],
    ),
]


def moment(day, hour=10):
    """That day at that hour in the server's zone, or half an hour ago when that hour is still
    to come today (the services refuse a time in the future)."""
    from django.utils import timezone

    at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return min(at, timezone.now() - dt.timedelta(minutes=30))


# Apps add their own demo data here (their hooks module), run in order after the core's.
LOADERS = []


@transaction.atomic
def load_demo():
    load_reference()
    # The demo asks no second factor (documented in the README); production keeps the rule.
    Role.objects.update(require_otp=False)
    missions = {m.code: m for m in Mission.objects.all()}
    password = settings.DEMO_PASSWORD
    admin = (
        services.bootstrap_admin(
            username="admin", password=password, missions=list(missions.values())
        )
        if not User.objects.filter(username="admin").exists()
        else User.objects.get(username="admin")
    )
    admin.first_name, admin.last_name = "Selin", "Aydın"
    admin.save(update_fields=["first_name", "last_name"])

    roles = {r.slug: r for r in Role.objects.all()}
    users = {"admin": admin}
    for username, first, last, codes in USERS[1:]:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=roles[username],
                language="ru" if codes == ["BY"] else "en",  # Belarus works in Russian
            )
            services.save_user(
                admin, user, missions=[missions[c] for c in codes], password=password
            )
        users[username] = user

    tr = missions["TR"]
    sites = {}
    for province, district_name, name, site_type in SITES:
        site = Location.objects.filter(mission=tr, level="site", name=name).first()
        if site is None:
            district = Location.objects.get(parent__pcode=province, name=district_name)
            site = services.create_site(
                admin, mission=tr, parent=district, name=name, site_type=site_type
            )
        sites[name] = site
    by = missions["BY"]
    if not Location.objects.filter(mission=by, level="district").exists():
        services.save_location(
            admin,
            Location(
                mission=by,
                parent=Location.objects.get(pcode="BY02"),
                level="district",
                name="Minsk",
                pcode="BY0201",
            ),
        )
    minsk = Location.objects.get(pcode="BY0201")
    if not minsk.children.exists():
        services.create_site(
            admin, mission=by, parent=minsk, name="Kopru office Minsk", site_type="office"
        )

    for name, base, members, codes in TEAMS:
        if Team.objects.filter(mission=tr, name=name).exists():
            continue
        # Supervisors answer for their teams' safety alerts and approvals.
        supervisor = users["supervisor"] if "supervisor" in members else None
        services.save_team(
            admin,
            Team(mission=tr, name=name, base=sites[base], supervisor=supervisor),
            locations=list(Location.objects.filter(pcode__in=codes)),
            members=[users[m] for m in members],
        )

    if not Team.objects.filter(mission=by, name=BELARUS_TEAM).exists():
        services.save_team(
            admin,
            Team(
                mission=by,
                name=BELARUS_TEAM,
                base=Location.objects.get(mission=by, level="site", name="Kopru office Minsk"),
            ),
            locations=list(Location.objects.filter(pcode__in=["BY02", "BY06"])),
            members=[users["capacity_officer"]],
        )

    for code, name, donor, grant, start, end, provinces, targets in PROJECTS:
        mission = by if code.startswith("BY") else tr
        if Project.objects.filter(mission=mission, code=code).exists():
            continue
        services.create_project(
            admin,
            mission=mission,
            code=code,
            name=name,
            donor=Donor.objects.get_or_create(name=donor)[0],
            grant_code=grant,
            start_date=start,
            end_date=end,
            provinces=list(Location.objects.filter(pcode__in=provinces)),
            targets=targets,
        )
    for loader in LOADERS:
        loader()
    return users
