"""The health demo: deterministic, written through the app's own functions (so every rule
holds for it), idempotent by fixed uids.

- Yusuf Haddad, 16, a Syrian refugee bound for the United States, registered and consenting
  (through his father) to share his record with the receiving health department: the
  physician takes him through the whole assessment.
- Three cases in other states: Leyla cleared to travel as B2 with her PEC done, Karim in
  Class A on DOT (not cleared), Samir in progress for Canada.
- Clinic care: consultations with diagnoses and prescriptions, a vaccination record with a
  dose due, and a child with severe acute malnutrition.
"""

import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from kopru.core.models import Location, Mission, User
from kopru.registry import services as registry
from kopru.registry.models import Person
from kopru.services.models import Provider

from . import assessments, services
from .models import AssessmentCase, Encounter

SITE = "Migrant Health Centre Istanbul"
RECIPIENT = "US receiving state health department (refugee health program)"
LAB = "Fatih imaging and laboratory centre (partner)"
NAMESPACE = uuid.UUID("6f1d2d3e-7b0a-4c51-9d7e-2f4a8c3b1e00")


def _uid(name):
    return uuid.uuid5(NAMESPACE, name)


def _born(years, days=0):
    today = timezone.localdate()
    return date(today.year - years, 3, 15) - timedelta(days=days)


def _person(doctor, site, key, **fields):
    found = Person.objects.filter(uid=_uid(key)).first()
    if found:
        return found
    person = registry.new_person(
        site.mission,
        location=site,
        birth_date_precision="exact",
        # Syrians in Türkiye hold temporary protection; others, international protection.
        population_group="temporary_protection" if fields["nationality"] == "SYR" else "ip_holder",
        **fields,
    )
    person.uid = _uid(key)
    person = registry.register_person(doctor, person)
    registry.record_consent(
        doctor,
        person,
        purpose="service_delivery",
        decision="given",
        language="ar",
        uid=_uid(f"{key}-consent"),
        **_guardian(person),
    )
    return person


def _guardian(person):
    if person.age is not None and person.age < 18:
        return {"guardian_name": "Father", "guardian_relationship": "father"}
    return {}


def _lab(admin, site):
    provider = Provider.objects.filter(mission=site.mission, name=LAB).first()
    if provider is None:
        from kopru.services import referrals

        provider = referrals.save_provider(
            admin,
            Provider(
                mission=site.mission,
                name=LAB,
                kind=Provider.Kind.HOSPITAL,
                location=site.parent,
                phone="+90 212 555 0190",
                languages=["tur", "eng"],
                description="Chest X-ray, IGRA, sputum smear and culture, serology.",
            ),
        )
    return provider


def _done(doctor, case, components, day):
    for component in components:
        if not case.components.filter(component=component).exists():
            assessments.record_component(doctor, case, component, done_on=day, outcome="Normal.")


def _result(doctor, case, lab, test, interpretation, reading="", specimens=1):
    if case.investigations.filter(test=test).exists():
        return
    for order in assessments.order_investigation(
        doctor, case, test, partner=lab, specimens=specimens
    ):
        assessments.record_result(
            doctor,
            order,
            interpretation=interpretation,
            reading=reading or "Reported by the partner.",
        )


def _case(doctor, person, site, key, protocol="us", days_ago=10):
    case = AssessmentCase.objects.filter(uid=_uid(key)).first()
    if case is None:
        case = assessments.open_case(
            doctor, person, protocol=protocol, programme="refugee", location=site, uid=_uid(key)
        )
        opened = timezone.now() - timedelta(days=days_ago)
        AssessmentCase.objects.filter(pk=case.pk).update(opened_at=opened)
        case.refresh_from_db()
    return case


def load_demo_health(scale=None):
    if scale is None:
        scale = getattr(settings, "DEMO_SCALE", 1)
    if float(scale) <= 0:  # the users and sites only (a benchmark replaces the people)
        return
    mission = Mission.objects.get(code="TR")
    site = Location.objects.get(mission=mission, level="site", name=SITE)
    doctor = User.objects.get(username="physician")
    admin = User.objects.get(username="admin")
    lab = _lab(admin, site)
    today = timezone.localdate()

    yusuf = _person(
        doctor,
        site,
        "yusuf",
        given_name="Yusuf",
        family_name="Haddad",
        sex="male",
        birth_date=_born(16),
        nationality="SYR",
        given_name_original="يوسف",
        family_name_original="حداد",
    )
    if not yusuf.consents.filter(purpose="sharing_authority").exists():
        registry.record_consent(
            doctor,
            yusuf,
            purpose="sharing_authority",
            decision="given",
            language="ar",
            recipient=RECIPIENT,
            uid=_uid("yusuf-share"),
            **_guardian(yusuf),
        )

    # Leyla: the whole US assessment done, B2, cleared, PEC done, flying tomorrow.
    leyla = _person(
        doctor,
        site,
        "leyla",
        given_name="Leyla",
        family_name="Mansour",
        sex="female",
        birth_date=_born(24),
        nationality="SYR",
    )
    case = _case(doctor, leyla, site, "leyla-us", days_ago=12)
    if case.status == AssessmentCase.Status.OPEN:
        _done(doctor, case, ["history", "physical_exam", "mental_health", "vaccines"], today)
        _result(doctor, case, lab, "36643-5", "normal", "No active disease.")
        _result(doctor, case, lab, "71773-6", "positive")
        _result(doctor, case, lab, "20507-0", "negative")
        _result(doctor, case, lab, "21416-3", "negative")
        assessments.classify_tb(doctor, case, "B2")
        assessments.decide_fitness(doctor, case, "fit")
        assessments.set_travel(doctor, case, departure_at=timezone.now() + timedelta(hours=30))
        assessments.clear_for_travel(doctor, case)
        assessments.record_pec(doctor, case, at=timezone.now() - timedelta(hours=1), fit=True)

    # Karim: sputum positive, Class A, on DOT: not cleared.
    karim = _person(
        doctor,
        site,
        "karim",
        given_name="Karim",
        family_name="Al-Hassan",
        sex="male",
        birth_date=_born(38),
        nationality="IRQ",
    )
    case = _case(doctor, karim, site, "karim-us", days_ago=40)
    if not case.tb_class:
        _done(doctor, case, ["history", "physical_exam", "mental_health", "vaccines"], today)
        _result(doctor, case, lab, "36643-5", "suggestive", "Right upper lobe cavity.")
        case.refresh_from_db()
        _result(doctor, case, lab, "11545-1", "positive", specimens=3)
        _result(doctor, case, lab, "543-9", "positive", specimens=3)
        _result(doctor, case, lab, "20507-0", "negative")
        assessments.classify_tb(doctor, case, "A")
        course = assessments.start_dot(
            doctor, case, regimen="2HRZE/4HR", doses_planned=180, started_on=today - timedelta(14)
        )
        for n in range(14, 0, -1):
            assessments.record_dot_dose(
                doctor,
                course,
                on=today - timedelta(n),
                observed=n != 6,
                note="" if n != 6 else "Did not come: fever",
            )

    # Samir: Canada, just opened.
    samir = _person(
        doctor,
        site,
        "samir",
        given_name="Samir",
        family_name="Darwish",
        sex="male",
        birth_date=_born(41),
        nationality="SYR",
    )
    _case(doctor, samir, site, "samir-ca", protocol="ca", days_ago=3)

    _clinic(doctor, site, yusuf, leyla, today)


def _consult(doctor, site, person, key, when, **fields):
    if Encounter.objects.filter(uid=_uid(key)).exists():
        return
    services.record_consultation(doctor, person, at=when, location=site, uid=_uid(key), **fields)


def _clinic(doctor, site, yusuf, leyla, today):
    morning = timezone.make_aware(datetime.combine(today - timedelta(days=20), time(9, 30)))
    _consult(
        doctor,
        site,
        leyla,
        "leyla-c1",
        morning,
        kind="srh",
        reason="Antenatal question",
        vitals={"systolic": "112", "diastolic": "70", "pulse": "78", "weight_kg": "61"},
        diagnoses=[{"code": "Z30.0"}],
        plan="Counselling on contraception.",
    )
    _consult(
        doctor,
        site,
        yusuf,
        "yusuf-c1",
        morning + timedelta(hours=1),
        kind="chronic",
        reason="Wheezing at night",
        vitals={
            "temperature_c": "36.9",
            "respiratory_rate": "18",
            "spo2": "97",
            "weight_kg": "54",
            "height_cm": "168",
        },
        diagnoses=[{"code": "J45.9"}],
        prescriptions=[
            {
                "medicine": "Salbutamol inhaler",
                "dose": "100 mcg, 2 puffs",
                "frequency": "when needed",
                "dispensed": True,
            }
        ],
        follow_up_on=today + timedelta(days=14),
    )
    if not yusuf.immunizations.exists():
        card = yusuf.birth_date
        for cvx, days in (("08", 0), ("08", 30), ("08", 180), ("03", 365)):
            services.record_immunization(
                doctor, yusuf, cvx=cvx, given_on=card + timedelta(days=days), source="card"
            )
    child = _person(
        doctor,
        site,
        "meryem",
        given_name="Meryem",
        family_name="Haddad",
        sex="female",
        birth_date=today - timedelta(days=420),
        nationality="SYR",
    )
    _consult(
        doctor,
        site,
        child,
        "meryem-c1",
        morning + timedelta(hours=2),
        kind="nutrition",
        reason="Weight loss after diarrhoea",
        vitals={"weight_kg": "6.4", "height_cm": "73", "muac_mm": "112"},
        overrides={"muac_mm": "Measured twice"},
        lying=True,
        diagnoses=[{"code": "E43"}],
        plan="Refer to the outpatient therapeutic programme.",
    )
