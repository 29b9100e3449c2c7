"""The Belarus demo of health needs surveys and access to prevention (the last three months):
deterministic, written through the app's own functions, run once (the demo export's import
marks it done).

- The migrants' health needs survey: 60 interviews in Minsk and the Minsk region, imported
  from a KoboToolbox-style XLSX built here (group paths in the headers, the tool's own
  columns, select_multiple as space-separated values and one 0/1 column per choice).
- The health system's capacity: 12 facility visits typed in by the capacity officer.
- Access to prevention: 36 migrants registered in Minsk (Afghanistan, Syria, Iraq, Tajikistan,
  Ukraine), each consenting to the referral, referred to COVID-19 and measles-rubella
  vaccination, TB screening, HIV and hepatitis testing at four Minsk facilities of the
  directory; about two thirds reached (the vaccinations written into their vaccination
  record), some not reached with a reason, the latest still waiting; one outreach session
  counted as a tally.
"""

import io
import random
import uuid
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from kopru.core.models import Location, Mission, Project, Team, User
from kopru.registry import services as registry
from kopru.registry.models import Person
from kopru.services import referrals as directory
from kopru.services.models import Provider, ServiceType

from . import prevention, surveys
from .models import SurveyImport

NAMESPACE = uuid.UUID("8b0e4f8e-59a4-4c1f-a7c2-3d6e1b9f2a47")
EXPORT_NAME = "kobo_migrant_health_needs_demo.xlsx"
SEED = 9012

FACILITIES = [
    ("Городская поликлиника № 2, Минск", "ул. Коммунистическая, 49"),
    ("Минский городской клинический противотуберкулёзный диспансер", "ул. Бачило, 7"),
    ("Городской центр профилактики ВИЧ/СПИДа, Минск", "ул. Кропоткина, 76"),
    ("Городская инфекционная клиническая больница, Минск", "ул. Кропоткина, 76"),
]
# programme: (how many, facility index)
REFERRALS = {
    "covid19_vaccination": (12, 0),
    "mr_vaccination": (8, 0),
    "tb_screening": (7, 1),
    "hiv_testing": (5, 2),
    "hepatitis_testing": (4, 3),
}
NAMES = {
    "AFG": (["Ahmad", "Mohammad", "Farid", "Zahra", "Fatima", "Mariam"],
            ["Rahimi", "Ahmadi", "Hakimi", "Karimi", "Sultani"]),
    "SYR": (["Omar", "Khaled", "Yusuf", "Rania", "Huda", "Lina"],
            ["Al-Ahmad", "Haddad", "Darwish", "Khalil"]),
    "IRQ": (["Ali", "Hussein", "Mustafa", "Zainab", "Noor"], ["Al-Jabouri", "Kareem", "Hassan"]),
    "TJK": (["Firuz", "Rustam", "Davron", "Nigina", "Malika"],
            ["Rahmonov", "Nazarov", "Saidova", "Karimova"]),
    "UKR": (["Oleksandr", "Andrii", "Olena", "Iryna", "Natalia"],
            ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko"]),
}  # fmt: skip
FEMALE = {"Zahra", "Fatima", "Mariam", "Rania", "Huda", "Lina", "Zainab", "Noor", "Nigina",
          "Malika", "Olena", "Iryna", "Natalia"}  # fmt: skip
GROUP = {"AFG": "ip_applicant", "SYR": "ip_holder", "IRQ": "ip_applicant",
         "TJK": "residence_permit", "UKR": "residence_permit"}  # fmt: skip


def _days(rng, n, start, end):
    """n weekdays between start and end, sorted."""
    span = [start + timedelta(d) for d in range((end - start).days + 1)]
    weekdays = [d for d in span if d.weekday() < 5]
    return sorted(rng.choice(weekdays) for _ in range(n))


def _pick(rng, options, weights):
    return rng.choices(options, weights=weights)[0]


# question: (choices, weights) of the demo's answers
SPREAD = {
    "time_in_country": (["under_6m", "6_12m", "1_3y", "over_3y"], [20, 25, 35, 20]),
    "insurance": (["none", "voluntary", "employer", "dont_know"], [50, 20, 20, 10]),
    "why_not": (["not_offered", "dont_know_where", "cost", "fear", "documents"],
                [30, 30, 10, 15, 15]),
    "children": (["all", "some", "none", "dont_know", "no_children"], [30, 25, 10, 10, 25]),
    "languages": (["dari", "pashto dari", "arabic", "tajik", "arabic kurdish"],
                  [30, 10, 30, 20, 10]),
    "not_reached": (["did_not_attend", "documents", "unreachable", "moved"], [40, 25, 25, 10]),
    "nationality": (["AFG", "SYR", "IRQ", "TJK", "UKR", "other"], [25, 20, 15, 20, 15, 5]),
}  # fmt: skip
WAITING = 4  # the most recent referrals, not answered yet
CONDITIONS = ["diabetes", "hypertension", "heart", "respiratory", "hepatitis", "tb"]
BARRIERS = ["cost", "language", "documents", "didnt_know", "distance", "discrimination"]


def _spread(rng, what, when=True):
    return _pick(rng, *SPREAD[what]) if when else None


def _some(rng, options, most):
    return " ".join(sorted(rng.sample(options, rng.randint(1, most))))


def _migrant_row(rng, k, day):
    chronic = _pick(rng, ["yes", "no"], [35, 65])
    needed = _pick(rng, ["yes", "no"], [70, 30])
    doses = _pick(rng, [0, 1, 2, 3], [40, 15, 35, 10])
    size = _pick(rng, [1, 2, 3, 4, 5, 6], [20, 15, 20, 20, 15, 10])
    interpreter = _pick(rng, ["yes", "no"], [55, 45])
    barriers = _some(rng, BARRIERS, 3) if needed == "yes" else None
    submission = str(uuid.uuid5(NAMESPACE, f"kobo-{k}"))
    return {
        "start": f"{day.isoformat()}T10:{k % 60:02d}:00.000+03:00",
        "end": f"{day.isoformat()}T10:{(k + 17) % 60:02d}:00.000+03:00",
        "province": _pick(rng, ["BY02", "BY06"], [75, 25]),
        "interview_date": day,
        "demographics/sex": _pick(rng, ["female", "male"], [45, 55]),
        "demographics/age_band": _pick(rng, ["12-17", "18-59", "60+"], [8, 82, 10]),
        "demographics/nationality": _spread(rng, "nationality"),
        "demographics/household_size": size,
        "demographics/time_in_country": _spread(rng, "time_in_country"),
        "demographics/insurance": _spread(rng, "insurance"),
        "health/has_chronic": chronic,
        "health/chronic_conditions": _some(rng, CONDITIONS, 2) if chronic == "yes" else None,
        "health/chronic_treated": _pick(rng, ["yes", "no"], [55, 45]) if chronic == "yes" else None,
        "access/needed_care": needed,
        "access/barriers": barriers,
        # Kobo adds a 0/1 column per choice of a select_multiple; the import ignores them.
        "access/barriers/language": int("language" in barriers.split()) if barriers else None,
        "vaccination/covid_doses": doses,
        "vaccination/covid_why_not": _spread(rng, "why_not", doses == 0),
        "vaccination/children_vaccinated": _spread(rng, "children", size > 1),
        "language/interpreter_needed": interpreter,
        "language/languages_needed": _spread(rng, "languages", interpreter == "yes"),
        "health_spend": round(rng.uniform(0, 180), 2) if rng.random() < 0.7 else None,
        "comments": None,
        "meta/instanceID": f"uuid:{submission}",
        "_id": 4_100_000 + k,
        "_uuid": submission,
        "_submission_time": f"{day.isoformat()}T16:00:00",
        "__version__": "vA7xq2WnPm3",
    }


def export_xlsx(rng, n, start, end):
    """A KoboToolbox 'XML values and headers' export, made in memory."""
    from openpyxl import Workbook

    rows = [_migrant_row(rng, k, day) for k, day in enumerate(_days(rng, n, start, end))]
    book = Workbook()
    sheet = book.active
    sheet.title = "Migrant health needs"
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        sheet.append([row[h] for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FACILITY_VISITS = [
    ("Городская поликлиника № 2", "polyclinic", "BY0201"),
    ("Городская поликлиника № 19", "polyclinic", "BY0201"),
    ("Городская поликлиника № 39", "polyclinic", "BY0201"),
    ("6-я городская клиническая больница", "hospital", "BY0201"),
    ("Городская инфекционная клиническая больница", "hospital", "BY0201"),
    ("Минский городской противотуберкулёзный диспансер", "tb_dispensary", "BY0201"),
    ("Городской центр профилактики ВИЧ/СПИДа", "aids_centre", "BY0201"),
    ("Борисовская центральная районная больница", "hospital", "BY06"),
    ("Молодечненская центральная районная больница", "hospital", "BY06"),
    ("Поликлиника г. Заславля", "polyclinic", "BY06"),
    ("Минский областной противотуберкулёзный диспансер", "tb_dispensary", "BY06"),
    ("Солигорская центральная районная больница", "hospital", "BY06"),
]


FACILITY_BARRIERS = ["documents", "payment", "language", "no_guidelines", "staff_shortage"]


def _facility_answers(rng, name, kind, place, day):
    services = ["primary_care"] if kind in ("polyclinic", "hospital") else []
    services += {
        "tb_dispensary": ["tb_screening"],
        "aids_centre": ["hiv_testing", "hepatitis_testing"],
    }.get(kind, [])
    if kind in ("polyclinic", "hospital") and rng.random() < 0.8:
        services.append("vaccination")
    staff = rng.randint(40, 400)
    answers = {
        "district": place,
        "visit_date": day.isoformat(),
        "facility_name": name,
        "facility_type": kind,
        "serves_migrants": "yes",
        "migrants_per_month": rng.randint(5, 120),
        "staff_total": staff,
        "staff_trained": rng.randint(0, min(staff, 25)),
        "languages": ["russian", "belarusian"] + (["english"] if rng.random() < 0.5 else []),
        "interpreting": _pick(rng, ["none", "phone", "on_site"], [55, 35, 10]),
        "services": services,
        "barriers": _some(rng, FACILITY_BARRIERS, 3).split(),
    }  # fmt: skip
    if "vaccination" in services:
        answers["vaccinates_uninsured"] = _pick(rng, ["yes", "no"], [40, 60])
    return answers


def _people(officer, site, rng, n):
    """Migrants registered in Minsk for the referrals: those of the demo, or new ones."""
    found = list(
        Person.objects.filter(
            mission=site.mission, merged_into__isnull=True, location__path__startswith=site.path
        ).filter(
            Q(birth_date__isnull=True) | Q(birth_date__lte=date.today() - timedelta(days=18 * 366))
        )[:n]
    )
    k = 0
    while len(found) < n:
        nationality = ["AFG", "SYR", "IRQ", "TJK", "UKR"][k % 5]
        given, family = NAMES[nationality]
        first = given[rng.randrange(len(given))]
        person = registry.new_person(
            site.mission,
            uid=uuid.uuid5(NAMESPACE, f"person-{k}"),
            given_name=first,
            family_name=family[rng.randrange(len(family))],
            sex="female" if first in FEMALE else "male",
            birth_date=date(rng.randint(1962, 2006), rng.randint(1, 12), 1),
            birth_date_precision="month",
            nationality=nationality,
            population_group=GROUP[nationality],
            location=site,
        )
        found.append(registry.register_person(officer, person))
        k += 1
    return found


def _facilities(admin, mission, district, service_type):
    providers = []
    for name, address in FACILITIES:
        provider = Provider.objects.filter(mission=mission, name=name).first()
        if provider is None:
            provider = directory.save_provider(
                admin,
                Provider(
                    mission=mission,
                    name=name,
                    kind=Provider.Kind.HOSPITAL,
                    location=district,
                    address=address,
                    languages=["rus", "bel"],
                ),
                offers=[service_type],
            )
        providers.append(provider)
    return providers


def load_demo_surveys():
    mission = Mission.objects.filter(code="BY").first()
    officer = User.objects.filter(username="capacity_officer").first()
    admin = User.objects.filter(username="admin").first()
    if mission is None or officer is None or admin is None:
        return
    if SurveyImport.objects.filter(mission=mission, file_name=EXPORT_NAME).exists():
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    start = today - timedelta(days=90)
    site = Location.objects.get(mission=mission, level="site", name="Kopru office Minsk")
    team = Team.objects.filter(mission=mission, name="Migration health project Minsk").first()
    project = Project.objects.filter(mission=mission, code="BY-CD-2026").first()
    shares = [(project, 100)] if project else []

    # Surveys: the export imported, then the facility visits typed in.
    content = export_xlsx(rng, 60, start, today)
    surveys.import_responses(officer, mission, "migrant_health_needs", content, name=EXPORT_NAME)
    for k, ((name, kind, place), day) in enumerate(
        zip(FACILITY_VISITS, _days(rng, len(FACILITY_VISITS), start, today), strict=True)
    ):
        surveys.record_response(
            officer,
            mission,
            "facility_capacity",
            _facility_answers(rng, name, kind, place, day),
            uid=uuid.uuid5(NAMESPACE, f"facility-{k}"),
        )

    # Prevention: consent to each facility, the referral, then the outcome.
    service_type = ServiceType.objects.get(mission=mission, code=prevention.SERVICE)
    providers = _facilities(admin, mission, site.parent, service_type)
    plan = [(code, providers[where]) for code, (n, where) in REFERRALS.items() for _ in range(n)]
    people = _people(officer, site, rng, len(plan))
    days = _days(rng, len(plan), start, today - timedelta(days=1))
    rng.shuffle(plan)
    for k, ((code, facility), person, day) in enumerate(zip(plan, people, days, strict=True)):
        registry.record_consent(
            officer,
            person,
            purpose="referral",
            decision="given",
            language="en",
            recipient=facility.name,
            interpreter="Русский устный перевод",
            uid=uuid.uuid5(NAMESPACE, f"consent-{k}"),
        )
        item = prevention.refer(
            officer,
            person,
            programme=code,
            facility=facility,
            referred_on=day,
            location=site,
            team=team,
            projects=shares,
            uid=uuid.uuid5(NAMESPACE, f"referral-{k}"),
        )
        if k >= len(plan) - WAITING:
            continue  # the latest referrals still wait for the facility's answer
        if k % 4 != 3:
            programme = prevention.programmes()[code]
            prevention.record_outcome(
                officer,
                item,
                reached=True,
                on=min(today, day + timedelta(days=rng.randint(1, 10))),
                vaccine=programme.get("default_vaccine", "") if programme["vaccines"] else "",
                dose=1 if programme["vaccines"] else None,
            )
        else:
            prevention.record_outcome(
                officer,
                item,
                reached=False,
                reason=_pick(rng, *SPREAD["not_reached"]),
            )

    prevention.record_tally(
        officer,
        mission,
        programme="covid19_vaccination",
        held_on=_days(rng, 1, start, today - timedelta(days=14))[0],
        location=site,
        facility=providers[0],
        headcounts=[
            {"sex": "female", "age_band": "18-59", "disability": False, "count": 9},
            {"sex": "male", "age_band": "18-59", "disability": False, "count": 12},
            {"sex": "female", "age_band": "60+", "disability": False, "count": 2},
            {"sex": "male", "age_band": "12-17", "disability": False, "count": 3},
        ],
        reached=14,
        team=team,
        projects=shares,
        notes="Информационная сессия о вакцинации в общежитии, Минск",
        uid=uuid.uuid5(NAMESPACE, "tally-0"),
    )
