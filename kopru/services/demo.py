"""Deterministic demo for the services app: a year of the programmes' work at the demo sites.

`make demo` (manage.py load_demo) runs it after the core's and the registry's demo. It adds
families to the registry's few hundred people, households and consents; the service directory;
opening hours, rooms and interpreters; a year (the twelve months up to today) of service events
by the seeds' programmes; referrals in every state; and appointments for the next two weeks.

Fixed seed: every stage draws from its own random generator, and every record it writes has a
uid derived from the seed, so a second run finds the first record of each stage and writes
nothing. Dates follow today, so the demo always shows the last year.

`scale` multiplies the volumes (1 gives ~20,000 events; tests use ~0.02). Left out, it is read
from settings.DEMO_SCALE (default 1).
"""

import random
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from kopru.core import access, audit
from kopru.core import demo as core_demo
from kopru.core import services as core
from kopru.core.models import AuditEvent, Location, Mission, Project, Role, Team, User
from kopru.registry import services as registry
from kopru.registry.demo import POOLS, birth, foreigner_id, mobile, split
from kopru.registry.models import (
    ConsentEvent,
    DatePrecision,
    Household,
    IdentityDocument,
    Person,
)

from . import appointments, referrals
from .models import (
    Appointment,
    Headcount,
    Interpreter,
    InterpretingLanguage,
    OpeningHours,
    Participation,
    Provider,
    Referral,
    ReferralLink,
    ReferralUpdate,
    Room,
    ServiceEvent,
    ServiceProject,
    ServiceType,
)
from .services import CHILDREN, _clean, record_service

SEED = 2026
NAMESPACE = uuid.UUID("5b1d7a52-2a4e-4c1e-9a37-6f0c2d4b2026")

ISTANBUL = "Migrant Health Centre Istanbul"
MOBILE = "Mobile health vehicle base Istanbul"
ANKARA = "Migration Health Clinic Ankara"
SAHINBEY = "Şahinbey Municipal Migrant and Community Centre"
HALILIYE = "Haliliye Community Centre"
SCHOOL = "Haliliye Primary School"
ANTAKYA = "Antakya psychosocial mobile team base"
KONAK = "Konak Community Centre"
YUREGIR = "Yüreğir Community Centre"
MINSK = "Kopru office Minsk"

MON, TUE, WED, THU, FRI, SAT = 0, 1, 2, 3, 4, 5
WEEK = (MON, TUE, WED, THU, FRI)

# Where the demo's extra families live: (site, share, who registers them, nationality mix).
SOUTH_EAST = [("SYR", 70), ("TUR", 14), ("IRQ", 10), ("AFG", 6)]
CITIES = [
    ("SYR", 25),
    ("AFG", 22),
    ("IRN", 10),
    ("SOM", 10),
    ("ETH", 9),
    ("IRQ", 10),
    ("UKR", 6),
    ("TUR", 8),
]
WEST = [("SYR", 50), ("AFG", 18), ("TUR", 22), ("IRQ", 10)]
HOMES = [
    (ISTANBUL, 13, "nurse", CITIES),
    (MOBILE, 6, "nurse", CITIES),
    (ANKARA, 10, "physician", CITIES),
    (SAHINBEY, 15, "caseworker", SOUTH_EAST),
    (HALILIYE, 16, "clerk", SOUTH_EAST),
    (SCHOOL, 9, "education_officer", SOUTH_EAST),
    (ANTAKYA, 9, "counsellor", SOUTH_EAST),
    (KONAK, 10, "livelihoods_officer", WEST),
    (YUREGIR, 12, "shelter_engineer", WEST),
]
EXTRA_PEOPLE = 1200
# Families at these sites become households (cash, shelter, case management).
HOUSEHOLD_SITES = {HALILIYE: "clerk", SCHOOL: "clerk", YUREGIR: "shelter_engineer"}
NEIGHBOURHOODS = {
    HALILIYE: ["Süleymaniye", "Yenice", "Bahçelievler", "Ahmet Yesevi"],
    SCHOOL: ["Süleymaniye", "Yenice", "Bahçelievler"],
    YUREGIR: ["Kiremithane", "Yamaçlı", "Sinanpaşa", "Köprülü"],
}

# Consent texts exist in these languages; anyone else hears one read by an interpreter.
CONSENT_LANGUAGE = {"ara": "ar", "apc": "ar", "fas": "fa", "prs": "fa", "amh": "am", "som": "so"}

# Turkish public holidays (and the religious ones, approximately) when nothing is recorded.
HOLIDAYS = {
    date(2025, 1, 1),
    *(date(2025, 3, 30) + timedelta(days=d) for d in range(3)),
    date(2025, 4, 23),
    date(2025, 5, 1),
    date(2025, 5, 19),
    *(date(2025, 6, 6) + timedelta(days=d) for d in range(4)),
    date(2025, 7, 15),
    date(2025, 10, 29),
    date(2026, 1, 1),
    *(date(2026, 3, 20) + timedelta(days=d) for d in range(3)),
    date(2026, 4, 23),
    date(2026, 5, 1),
    date(2026, 5, 19),
    *(date(2026, 5, 26) + timedelta(days=d) for d in range(5)),
    date(2026, 7, 15),
    date(2026, 10, 29),
    date(2027, 1, 1),
    *(date(2027, 3, 9) + timedelta(days=d) for d in range(3)),
    date(2027, 4, 23),
    *(date(2027, 5, 16) + timedelta(days=d) for d in range(4)),
    date(2027, 7, 15),
    date(2027, 10, 29),
}
RAMADAN = [
    (date(2025, 3, 1), date(2025, 3, 29)),
    (date(2026, 2, 18), date(2026, 3, 19)),
    (date(2027, 2, 8), date(2027, 3, 8)),
]
# Fewer people come in summer and at the year's end; autumn is busiest.
MONTH = {1: 0.85, 2: 0.95, 3: 1.0, 4: 1.05, 5: 1.0, 6: 1.0, 7: 0.8, 8: 0.7, 9: 1.0}
MONTH.update({10: 1.1, 11: 1.1, 12: 0.95})
# Days the centres celebrate, with headcounts (month, day, what).
CELEBRATIONS = [
    (3, 8, "International Women's Day"),
    (4, 22, "National Sovereignty and Children's Day"),
    (6, 19, "World Refugee Day"),
    (10, 9, "World Mental Health Day"),
    (11, 20, "World Children's Day"),
    (12, 18, "International Migrants Day"),
]

# (name, languages, demo user, phone, [(weekdays, site or None for anywhere, from, until)])
INTERPRETERS = [
    ("Rania Haddad", ["ara", "apc"], "interpreter", "+90 532 410 2210", [(WEEK, ISTANBUL)]),
    (
        "Mahmoud Al-Khatib",
        ["ara", "apc"],
        None,
        "+90 533 218 4471",
        [((MON, WED, FRI), SAHINBEY), ((TUE, THU), HALILIYE)],
    ),
    (
        "Nour Al-Hamwi",
        ["ara", "apc"],
        None,
        "+90 535 702 1934",
        [((TUE, THU), ANTAKYA), ((MON, WED, FRI), HALILIYE)],
    ),
    (
        "Parisa Rezaei",
        ["fas", "prs"],
        None,
        "+90 531 660 0582",
        [((MON, WED, FRI), ISTANBUL), ((TUE, THU), ANKARA)],
    ),
    (
        "Ahmad Shah Noori",
        ["pus", "prs"],
        None,
        "+90 536 148 9027",
        [((MON, WED, FRI), ANKARA), ((TUE, THU), ISTANBUL)],
    ),
    ("Meron Tesfaye", ["amh", "orm"], None, "+90 538 301 7716", [((MON, TUE, WED, THU), ISTANBUL)]),
    (
        "Hodan Warsame",
        ["som"],
        None,
        "+90 537 922 4150",
        [((TUE, THU), ISTANBUL), ((MON, WED), ANKARA)],
    ),
    (
        "Rojda Aydın",
        ["kmr"],
        None,
        "+90 534 575 3368",
        [((MON, TUE, WED), HALILIYE), ((THU, FRI), SAHINBEY)],
    ),
    ("Oksana Melnyk", ["ukr", "rus"], None, "+90 539 444 0817", [(WEEK, None)]),
]

ROOMS = {
    ISTANBUL: [
        "Consultation room 1",
        "Consultation room 2",
        "Consultation room 3",
        "Vaccination room",
        "Counselling room",
    ],
    ANKARA: ["Consultation room 1", "Consultation room 2", "Assessment room"],
    SAHINBEY: ["Counselling room 1", "Counselling room 2", "Activity hall"],
    HALILIYE: ["Counselling room 1", "Counselling room 2", "Activity hall"],
    KONAK: ["Counselling room 1", "Training room"],
    YUREGIR: ["Counselling room 1", "Training room"],
    ANTAKYA: ["Counselling room 1"],
    MINSK: ["Meeting room"],
}

# The directory: (name, kind, team, where (site or district), phone, languages, offers,
# eligibility, hours, description).
DIRECTORY = [
    (
        ISTANBUL,
        "internal",
        "Migrant Health Centre Istanbul",
        ISTANBUL,
        "+90 212 555 0140",
        ["tur", "ara", "fas", "prs", "amh", "som", "eng"],
        [
            "chronic_disease_consultation",
            "srh_consultation",
            "immunization",
            "nutrition_consultation",
            "health_counselling",
            "mhpss_consultation",
        ],
        "Migrants and refugees in Istanbul of any status; no appointment needed for urgent "
        "care. Interpreters for Arabic, Farsi, Dari, Pashto, Amharic and Somali.",
        "Mon–Fri 08:30–17:30",
        "Primary care, sexual and reproductive health, vaccination, nutrition and MHPSS.",
    ),
    (
        "Emergency case management South-East",
        "internal",
        "Emergency case management South-East",
        SAHINBEY,
        "+90 342 555 0172",
        ["tur", "ara", "kmr"],
        [
            "emergency_case_management",
            "ecm_medical_support",
            "ecm_food_nfi_support",
            "ecm_transport_support",
            "ecm_special_needs_support",
            "ecm_accommodation_support",
        ],
        "People in Gaziantep, Şanlıurfa and Kilis with urgent, complex needs that regular "
        "services cannot meet (medical costs, eviction, disability, protection risks).",
        "Mon–Fri 08:30–17:30",
        "Case management with funded support: medical supplies and treatment, transport, "
        "accommodation, food and non-food items.",
    ),
    (
        "Psychosocial mobile team Gaziantep",
        "internal",
        "PMT Gaziantep",
        SAHINBEY,
        "+90 342 555 0181",
        ["tur", "ara"],
        [
            "focused_individual_pss",
            "non_focused_individual_pss",
            "focused_group_pss",
            "non_focused_group_pss",
        ],
        "Women, men, girls and boys of the migrant and host communities; home visits where "
        "people cannot travel.",
        "Mon–Fri 08:30–17:30",
        "Individual and group psychosocial support, awareness sessions, activities.",
    ),
    (
        "School transport and special education",
        "internal",
        "Education and school transport",
        SCHOOL,
        "+90 414 555 0118",
        ["tur", "ara"],
        ["pupil_school_transport", "special_education_support", "turkish_language_course"],
        "Children aged 6–17 enrolled (or enrolling) in a state school more than 2 km from home, "
        "and children with special needs referred by the RAM.",
        "Mon–Fri 08:30–17:30",
        "School transport, Turkish courses and support for children with special needs.",
    ),
    (
        "Cash assistance Şanlıurfa",
        "internal",
        "Basic needs Şanlıurfa",
        HALILIYE,
        "+90 414 555 0126",
        ["tur", "ara", "kmr"],
        ["multipurpose_cash", "e_voucher_market_card", "hygiene_kit_distribution"],
        "Households in Şanlıurfa that meet the vulnerability criteria of the targeting survey.",
        "Mon–Fri 08:30–17:30",
        "Multipurpose cash on prepaid cards, e-voucher market cards, hygiene kits.",
    ),
    (
        "Haliliye Migrant Health Centre (Ministry of Health)",
        "hospital",
        None,
        ("TR63", "Haliliye"),
        "+90 414 555 0300",
        ["tur", "ara"],
        ["immunization", "chronic_disease_consultation", "srh_consultation"],
        "People under temporary or international protection registered in Şanlıurfa; bring the "
        "identity card (99-number).",
        "Mon–Fri 08:00–17:00",
        "Primary care, vaccination and antenatal care for migrants, with Arabic-speaking staff.",
    ),
    (
        "Fatih State Hospital",
        "hospital",
        None,
        ("TR34", "Fatih"),
        "+90 212 555 0400",
        ["tur"],
        [],
        "Anyone with a referral from primary care; people under international protection are "
        "covered by general health insurance once registered.",
        "Outpatient clinics Mon–Fri 08:00–16:00; emergency 24 hours",
        "Specialist outpatient clinics, imaging and hospital admission.",
    ),
    (
        "Ankara City Hospital",
        "hospital",
        None,
        ("TR06", "Çankaya"),
        "+90 312 555 0500",
        ["tur"],
        [],
        "Referral from a physician; tuberculosis dispensary for directly observed treatment.",
        "Mon–Fri 08:00–17:00",
        "Specialist care, chest diseases and TB dispensary, cardiology.",
    ),
    (
        "Gaziantep State Hospital",
        "hospital",
        None,
        ("TR27", "Şahinbey"),
        "+90 342 555 0600",
        ["tur", "ara"],
        [],
        "Referral from primary care or an emergency; psychiatry by appointment.",
        "Mon–Fri 08:00–16:30",
        "Specialist clinics including psychiatry, paediatrics and orthopaedics.",
    ),
    (
        "Gaziantep Metropolitan Municipality Migration Office",
        "municipal_centre",
        None,
        ("TR27", "Şahinbey"),
        "+90 342 555 0700",
        ["tur", "ara"],
        ["social_services_counselling"],
        "Residents of Gaziantep registered at an address in the province.",
        "Mon–Fri 08:30–17:00",
        "Municipal social assistance (food cards, winter fuel), guidance and Turkish courses.",
    ),
    (
        "Gaziantep Bar Association Legal Aid Bureau",
        "legal_aid",
        None,
        ("TR27", "Şahinbey"),
        "+90 342 555 0800",
        ["tur"],
        ["legal_counselling"],
        "People who cannot afford a lawyer; bring identity papers and any decision or summons. "
        "An interpreter from the referring organisation should come along.",
        "Mon–Fri 09:00–16:00",
        "Free legal aid: removal decisions, international protection, labour and tenancy.",
    ),
    (
        "Haliliye Guidance and Research Centre (RAM)",
        "special_education",
        None,
        ("TR63", "Haliliye"),
        "+90 414 555 0900",
        ["tur"],
        ["special_education_support"],
        "Children aged 0–18 with a suspected special educational need; a parent comes along "
        "with the child's school report.",
        "Mon–Fri 08:30–16:30",
        "Educational assessment and placement in special education.",
    ),
    (
        "Women's Solidarity Association Şanlıurfa",
        "ngo",
        None,
        ("TR63", "Haliliye"),
        "+90 414 555 1000",
        ["tur", "ara", "kmr"],
        ["social_services_counselling"],
        "Women and girls at risk of violence, of any nationality; confidential.",
        "Mon–Sat 09:00–18:00",
        "Women and girls' safe space, specialised case management and shelter referral.",
    ),
    (
        "Provincial Directorate of Migration Management Şanlıurfa",
        "public_office",
        None,
        ("TR63", "Haliliye"),
        "+90 414 555 1100",
        ["tur"],
        [],
        "Foreigners registered (or to be registered) in Şanlıurfa; appointment by phone.",
        "Mon–Fri 08:30–17:30",
        "Registration, address updates and identity documents under temporary protection.",
    ),
]

# Referral routes: (weight, referrer, service types the referral is made from, sites, provider,
# service requested, urgency weights (routine, urgent, emergency), reasons).
ROUTES = [
    (
        40,
        "physician",
        ["chronic_disease_consultation", "srh_consultation"],
        [ISTANBUL],
        "Fatih State Hospital",
        None,
        (6, 3, 1),
        [
            "Uncontrolled type 2 diabetes despite treatment; endocrinology assessment.",
            "Suspected cataract in both eyes; ophthalmology examination.",
            "Chest pain on exertion; cardiology assessment and ECG.",
            "Pregnant, 32 weeks, with raised blood pressure; obstetric follow-up.",
            "Recurrent kidney stones; urology consultation and ultrasound.",
        ],
    ),
    (
        25,
        "physician",
        ["pre_migration_health_assessment", "radiology_laboratory_investigation"],
        [ANKARA],
        "Ankara City Hospital",
        None,
        (5, 4, 1),
        [
            "Chest X-ray suggests active tuberculosis; sputum tests and DOT at the dispensary.",
            "Heart murmur found at the assessment; echocardiography before travel.",
            "Raised liver enzymes; hepatology consultation before departure.",
        ],
    ),
    (
        30,
        "counsellor",
        ["focused_individual_pss", "non_focused_individual_pss"],
        [SAHINBEY, ANTAKYA],
        "Emergency case management South-East",
        "emergency_case_management",
        (5, 4, 1),
        [
            "Family served an eviction notice; no money for this month's rent.",
            "Child with a disability needs a wheelchair and transport to physiotherapy.",
            "Widow with four children, no income since her husband died.",
        ],
    ),
    (
        12,
        "counsellor",
        ["focused_individual_pss"],
        [SAHINBEY],
        "Gaziantep State Hospital",
        None,
        (6, 4, 0),
        [
            "Severe depressive symptoms and no sleep for months; psychiatric assessment.",
            "Panic attacks that stop him from working; psychiatric assessment and treatment.",
        ],
    ),
    (
        25,
        "caseworker",
        ["emergency_case_management"],
        [SAHINBEY],
        "Gaziantep Bar Association Legal Aid Bureau",
        "legal_counselling",
        (4, 5, 1),
        [
            "Removal decision served; needs a lawyer to appeal within the deadline.",
            "Landlord keeps the deposit and threatens eviction; tenancy advice.",
            "Employer has not paid three months' wages; labour claim.",
        ],
    ),
    (
        25,
        "caseworker",
        ["emergency_case_management"],
        [SAHINBEY],
        "Psychosocial mobile team Gaziantep",
        "focused_individual_pss",
        (7, 3, 0),
        [
            "Signs of distress after the loss of her husband; focused PSS.",
            "Adolescent withdrawn and not attending school since the earthquake.",
        ],
    ),
    (
        12,
        "caseworker",
        ["emergency_case_management", "social_services_counselling"],
        [HALILIYE],
        "Women's Solidarity Association Şanlıurfa",
        None,
        (3, 5, 2),
        [
            "Woman at risk at home; safe space and specialised case management.",
            "Girl of 16 at risk of early marriage; specialised support for her and her mother.",
        ],
    ),
    (
        15,
        "caseworker",
        ["emergency_case_management", "social_services_counselling"],
        [SAHINBEY],
        "Gaziantep Metropolitan Municipality Migration Office",
        "social_services_counselling",
        (9, 1, 0),
        [
            "Application for municipal social assistance (food card, winter fuel).",
            "Needs a Turkish course and a place at the municipal nursery.",
        ],
    ),
    (
        15,
        "caseworker",
        ["emergency_case_management"],
        [HALILIYE],
        "Cash assistance Şanlıurfa",
        "multipurpose_cash",
        (7, 3, 0),
        [
            "Household lost its only income; assessment for multipurpose cash.",
            "Family of seven with a child needing surgery; cash is not enough for rent.",
        ],
    ),
    (
        25,
        "clerk",
        ["counselling_information_guidance"],
        [HALILIYE],
        "Emergency case management South-East",
        "emergency_case_management",
        (5, 4, 1),
        [
            "Elderly man living alone, no income, cannot pay the rent.",
            "Mother of three with a chronic illness cannot afford her medicines.",
        ],
    ),
    (
        25,
        "clerk",
        ["counselling_information_guidance"],
        [HALILIYE],
        "Haliliye Migrant Health Centre (Ministry of Health)",
        "immunization",
        (8, 2, 0),
        [
            "Child's vaccinations are incomplete; catch-up schedule.",
            "Pregnant, no antenatal check so far.",
            "High blood pressure, ran out of medication.",
        ],
    ),
    (
        12,
        "clerk",
        ["counselling_information_guidance"],
        [HALILIYE],
        "Provincial Directorate of Migration Management Şanlıurfa",
        None,
        (9, 1, 0),
        [
            "Address update needed to access services; registered in another province.",
            "Newborn to be registered under temporary protection.",
        ],
    ),
    (
        10,
        "clerk",
        ["counselling_information_guidance"],
        [HALILIYE],
        "School transport and special education",
        "pupil_school_transport",
        (9, 1, 0),
        ["Two children not enrolled; the nearest school is 4 km away."],
    ),
    (
        18,
        "education_officer",
        ["pupil_school_transport", "special_education_support"],
        [SCHOOL],
        "Haliliye Guidance and Research Centre (RAM)",
        "special_education_support",
        (9, 1, 0),
        [
            "Cannot read or write in grade 3; assessment for special educational needs.",
            "Hearing difficulty noticed by the teacher; assessment and placement.",
        ],
    ),
]

FEEDBACK = {
    "accepted": [
        "Appointment given for next week.",
        "Received; our social worker will call the person.",
        "Accepted; the person should bring the identity card.",
    ],
    "in_progress": [
        "First visit done; tests ordered.",
        "Assessment done; support being arranged.",
        "Seen twice; follow-up continues.",
    ],
    "completed": [
        "Support delivered; case closed on our side.",
        "Assessment done; report shared with the person.",
    ],
    "declined": [
        "No capacity until next month; please refer again after the 15th.",
        "Outside our area: the person lives in another district.",
        "Needs a valid temporary protection ID registered in this province first.",
        "Could not reach the person on the phone given (three attempts).",
        "Not eligible: the service is for children and adolescents only.",
    ],
    "closed": [
        "The person moved to Istanbul; referral withdrawn.",
        "The person no longer needs the service.",
        "Referred elsewhere instead, closer to home.",
    ],
}
# Who answers for an outside provider, by its kind.
COMPLETED = {
    "hospital": "Seen and treated; follow-up with the family doctor.",
    "legal_aid": "Lawyer assigned; the appeal was filed.",
    "special_education": "Placement decided; the child starts next term.",
}
RECEIVED_BY = {
    "hospital": ["Dr. Kemal Arı", "Hülya Erdem (patient services)"],
    "legal_aid": ["Av. Leyla Kılıç", "Av. Serkan Uçar"],
    "special_education": ["Hakan Yurt (RAM counsellor)"],
    "ngo": ["Sevgi Tunç (social worker)"],
    "municipal_centre": ["Ahmet Demirtaş (desk officer)"],
    "public_office": ["Gülay Sarı (registration desk)"],
}

# How each status's referrals are spread over time: (share, sent between days ago (min, max)).
REFERRAL_MIX = [
    ("completed", 0.52, (7, 330)),
    ("declined", 0.12, (2, 330)),
    ("closed", 0.05, (10, 300)),
    ("in_progress", 0.10, (5, 40)),
    ("accepted", 0.06, (2, 30)),
    ("sent", 0.13, (0, 2)),
    ("overdue", 0.02, (20, 120)),  # still "sent", long past its answer time
]

# Appointments: (site, booked by, weekdays, per day, [(service, staff, minutes, rooms)]).
BOOKINGS = [
    (
        ISTANBUL,
        "nurse",
        (MON, WED, FRI),
        7,
        [
            ("chronic_disease_consultation", "physician", 30, ["Consultation room 1"]),
            ("srh_consultation", "physician", 30, ["Consultation room 2"]),
            ("pre_migration_health_assessment", "physician", 60, ["Consultation room 3"]),
            ("immunization", "nurse", 30, ["Vaccination room"]),
            ("nutrition_consultation", "nurse", 30, ["Counselling room"]),
        ],
    ),
    (
        ISTANBUL,
        "nurse",
        (TUE, THU),
        4,
        [
            ("immunization", "nurse", 30, ["Vaccination room"]),
            ("health_counselling", "nurse", 30, ["Counselling room"]),
        ],
    ),
    (
        ANKARA,
        "physician",
        (TUE, THU),
        6,
        [
            ("pre_migration_health_assessment", "physician", 60, ["Assessment room"]),
            ("fitness_to_travel_check", "physician", 30, ["Consultation room 1"]),
            ("chronic_disease_consultation", "physician", 30, ["Consultation room 2"]),
        ],
    ),
    (
        SAHINBEY,
        "counsellor",
        (MON, WED, FRI),
        2,
        [("focused_individual_pss", "counsellor", 60, ["Counselling room 1"])],
    ),
    (
        SAHINBEY,
        "caseworker",
        (MON, WED, FRI),
        2,
        [("emergency_case_management", "caseworker", 60, ["Counselling room 2"])],
    ),
    (
        ANTAKYA,
        "counsellor",
        (TUE, THU),
        3,
        [("focused_individual_pss", "counsellor", 60, ["Counselling room 1"])],
    ),
    (
        HALILIYE,
        "clerk",
        WEEK,
        3,
        [("counselling_information_guidance", "clerk", 30, ["Counselling room 1"])],
    ),
    (
        HALILIYE,
        "caseworker",
        (TUE, THU),
        2,
        [("social_services_counselling", "caseworker", 60, ["Counselling room 2"])],
    ),
]
# Past appointments are booked this many days ahead, then moved back (see _appointments).
STAGING_DAYS = 35

BELARUS_USER = ("physician_minsk", "Tatsiana", "Marozava")


def uid(kind, n):
    return uuid.uuid5(NAMESPACE, f"{kind}-{n}")


def load_demo_services(scale=None):
    """Add the services demo; returns counts of what this run wrote."""
    if scale is None:
        scale = getattr(settings, "DEMO_SCALE", 1)
    if float(scale) <= 0:  # the users, sites and people only (a benchmark replaces the people)
        return {}
    demo = Demo(float(scale))
    with remembered_scope():
        demo.more_people()
        demo.households()
        demo.contact_consents()
        demo.belarus_team()
        demo.directory()
        demo.appointment_setup()
        demo.events()
        demo.referrals()
        demo.appointments()
    return demo.written


@contextmanager
def remembered_scope():
    """The demo writes through the apps' own functions, whose scope check asks the database
    the same question (may this user act at this site?) for each of ~20,000 events and some
    thousands of people, consents, referrals and appointments. Within the demo's transaction
    the answer cannot change (teams are set up before), so it is asked once per user and
    site."""
    original = access.can_see_location
    answers = {}

    def remembered(user, location):
        key = (user.pk, location.pk)
        if key not in answers:
            answers[key] = original(user, location)
        return answers[key]

    access.can_see_location = remembered
    try:
        yield
    finally:
        access.can_see_location = original


class Demo:
    def __init__(self, scale):
        self.scale = scale
        self.now = timezone.now()
        self.tr = Mission.objects.get(code="TR")
        self.by = Mission.objects.get(code="BY")
        self.tz = ZoneInfo(self.tr.timezone or "Europe/Istanbul")
        self.today = timezone.localtime(self.now, self.tz).date()
        self.admin = User.objects.get(username="admin")
        self.users = {u.username: u for u in User.objects.select_related("role")}
        # The core demo's sites: programme demos add schools and centres of their own later,
        # which must not change what a second run of this one does.
        self.sites = {
            s.name: s
            for s in Location.objects.filter(
                level=Location.Level.SITE,
                mission=self.tr,
                name__in=[name for _province, _district, name, _type in core_demo.SITES],
            )
        }
        self.teams = {t.name: t for t in Team.objects.filter(mission=self.tr)}
        self.projects = {p.code: p for p in Project.objects.all()}
        self.types = {
            (t.mission_id, t.code): t
            for t in ServiceType.objects.select_related("sub_sector__sector")
        }
        self.written = Counter()
        start = self.today - timedelta(days=364)
        self.days = [
            start + timedelta(days=d)
            for d in range(365)
            if (start + timedelta(days=d)).weekday() < 5
            and start + timedelta(days=d) not in HOLIDAYS
        ]

    # --- helpers -----------------------------------------------------------------------------

    def rng(self, stage):
        return random.Random(f"{SEED}-{stage}")

    def n(self, count, floor=1):
        return max(floor, round(count * self.scale))

    def type(self, code, mission=None):
        return self.types[((mission or self.tr).pk, code)]

    def season(self, day):
        factor = MONTH[day.month]
        if any(a <= day <= b for a, b in RAMADAN):
            factor *= 0.85
        return factor

    def pick_days(self, rng, count, weekdays=WEEK, since=None):
        """`count` working days (repeats allowed), busier in busy months."""
        days = [d for d in self.days if d.weekday() in weekdays and (since is None or d >= since)]
        if not days or count <= 0:
            return []
        return sorted(rng.choices(days, weights=[self.season(d) for d in days], k=count))

    def at(self, rng, day, tz=None, start=(8, 45), end=(17, 0)):
        """A time that working day (not in the lunch hour), or None if it is still to come."""
        tz = tz or self.tz
        while True:
            minutes = rng.randint(start[0] * 60 + start[1], end[0] * 60 + end[1])
            if not 12 * 60 + 30 <= minutes < 13 * 60 + 30:
                break
        moment = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
        return moment if moment < self.now - timedelta(minutes=5) else None

    def shares(self, day, *codes_and_shares):
        """Donor attribution on that day: only projects running then; one left takes all."""
        running = [
            (self.projects[code], share)
            for code, share in codes_and_shares
            if code in self.projects
            and self.projects[code].start_date <= day <= self.projects[code].end_date
        ]
        if len(running) == 1:
            return [(running[0][0], 100)]
        return running

    def age(self, person):
        if not person.birth_date:
            return 30
        b = person.birth_date
        return self.today.year - b.year - ((self.today.month, self.today.day) < (b.month, b.day))

    def interpreter_for(self, language, site_name, day):
        """The demo interpreter who works in that language at that site that day, or ''."""
        if not language or language == "tur":
            return ""
        for name, languages, _user, _phone, spans in INTERPRETERS:
            if language in languages:
                for weekdays, where in spans:
                    if day.weekday() in weekdays and where in (site_name, None):
                        return name
        return ""

    def audit_bulk(self, actor, mission, model, count, details):
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            mission=mission,
            object_type=model,
            object_repr=f"{count} demo records",
            details={"demo": True, "count": count, **details},
        )

    # --- people ------------------------------------------------------------------------------

    def family_plan(self):
        """The extra families, drawn from the registry's name pools (no writes)."""
        rng = self.rng("people")
        target = self.n(EXTRA_PEOPLE, floor=12)
        used = set(IdentityDocument.objects.values_list("number_normalised", flat=True))
        families, count = [], 0
        while count < target:
            site, _share, registrar, mix = rng.choices(HOMES, weights=[h[1] for h in HOMES])[0]
            nat = rng.choices([c for c, _w in mix], weights=[w for _c, w in mix])[0]
            pool = POOLS[nat]
            family, family_orig = split(rng.choice(pool["family"]))
            size = rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[22, 14, 16, 18, 14, 10, 6])[0]
            head_sex = "male" if rng.random() < 0.72 else "female"
            head_year = rng.randint(1958, 2001)
            members = [("head", head_sex, head_year)]
            if size >= 2:
                members.append(
                    (
                        "spouse",
                        "female" if head_sex == "male" else "male",
                        head_year + rng.randint(-3, 6),
                    )
                )
            for _ in range(size - len(members)):
                year = rng.randint(max(head_year + 18, 2007), 2025)
                members.append(("child", rng.choice(["female", "male"]), min(year, 2025)))
            father_of_children = None
            specs = []
            for relationship, sex, year in members:
                given, given_orig = split(rng.choice(pool[sex]))
                if relationship == "child" and father_of_children:
                    father, father_orig = father_of_children
                else:
                    father, father_orig = split(rng.choice(pool["male"]))
                if relationship in ("head", "spouse") and sex == "male":
                    father_of_children = (given, given_orig)
                estimated = relationship != "child" and rng.random() < 0.2
                born = birth(rng, year, estimated)
                if born > self.today:
                    born = self.today - timedelta(days=rng.randint(30, 300))
                documents = []
                if nat != "TUR" and rng.random() < 0.75:
                    number = foreigner_id(rng)
                    while number in used:
                        number = foreigner_id(rng)
                    used.add(number)
                    documents.append({"kind": "tr_foreigner_id", "number": number})
                phones = []
                if (
                    relationship == "head"
                    and rng.random() < 0.85
                    or (relationship == "spouse" and rng.random() < 0.4)
                ):
                    phones.append(mobile(rng))
                hard = rng.random() < 0.07
                wg = {
                    domain: (
                        rng.choice([3, 3, 4]) if hard and i == 0 else rng.choice([1] * 9 + [2])
                    )
                    for i, domain in enumerate(
                        rng.sample(["wg_seeing", "wg_mobility", "wg_hearing", "wg_cognition"], 2)
                    )
                }
                specs.append(
                    {
                        "relationship": relationship,
                        "uid": uid("person", count),
                        "fields": dict(
                            given_name=given,
                            family_name=family,
                            father_name=father,
                            given_name_original=given_orig,
                            family_name_original=family_orig,
                            father_name_original=father_orig,
                            sex=sex,
                            birth_date=born,
                            birth_date_precision=DatePrecision.ESTIMATED
                            if estimated
                            else DatePrecision.EXACT,
                            nationality=nat,
                            population_group=pool["group"],
                            languages=pool["languages"] + (["tur"] if nat != "TUR" else []),
                            interpreter_language=pool["languages"][0] if nat != "TUR" else "",
                            **wg,
                        ),
                        "documents": documents,
                        "phones": phones,
                    }
                )
                count += 1
            families.append({"site": site, "registrar": registrar, "members": specs})
        return families

    def more_people(self):
        """Families beside the registry demo's people, registered through the registry's own
        write path (register_person: validation, reference, name keys, audit)."""
        self.families = self.family_plan()
        if Person.objects.filter(uid=self.families[0]["members"][0]["uid"]).exists():
            return
        for family in self.families:
            site = self.sites[family["site"]]
            registrar = self.users[family["registrar"]]
            for spec in family["members"]:
                person = registry.new_person(
                    self.tr, uid=spec["uid"], location=site, **spec["fields"]
                )
                registry.register_person(
                    registrar, person, documents=spec["documents"], phones=spec["phones"]
                )
                self.written["people"] += 1

    def households(self):
        """The families at the cash and shelter sites live in households (create_household and
        add_member, the registry's write path)."""
        todo = []
        for family in self.families:
            if family["site"] in HOUSEHOLD_SITES and len(family["members"]) > 1:
                todo.append(family)
        if not todo:
            return
        if Household.objects.filter(uid=uid("household", 0)).exists():
            return
        rng = self.rng("households")
        people = {
            p.uid: p
            for p in Person.objects.filter(
                uid__in=[m["uid"] for f in todo for m in f["members"]]
            ).select_related("location", "mission")
        }
        for k, family in enumerate(todo):
            actor = self.users[HOUSEHOLD_SITES[family["site"]]]
            head = people[family["members"][0]["uid"]]
            household = registry.create_household(
                actor,
                Household(
                    mission=self.tr,
                    uid=uid("household", k),
                    location=head.location,
                    neighbourhood=rng.choice(NEIGHBOURHOODS[family["site"]]),
                ),
                head=head,
            )
            for spec in family["members"][1:]:
                registry.add_member(actor, household, people[spec["uid"]], spec["relationship"])
            self.written["households"] += 1

    def registrar_for(self, person_location, preferred=None):
        order = [preferred] if preferred else []
        order += ["clerk", "nurse", "physician", "caseworker", "counsellor", "education_officer"]
        order += ["livelihoods_officer", "shelter_engineer", "cash_officer"]
        if not hasattr(self, "_scope"):
            self._scope = {}
        for name in order:
            user = self.users.get(name)
            key = (name, person_location.pk)
            if key not in self._scope:
                self._scope[key] = access.has(user, "registry.register") and (
                    access.can_see_location(user, person_location)
                )
            if self._scope[key]:
                return user
        return None

    def consent(self, actor, person, purpose, at, recipient="", decision="given", key=None):
        language = CONSENT_LANGUAGE.get(person.interpreter_language or "", "tr")
        needs_interpreter = person.interpreter_language and person.interpreter_language not in (
            CONSENT_LANGUAGE
        )
        minor = self.age(person) < 18
        return registry.record_consent(
            actor,
            person,
            purpose=purpose,
            decision=decision,
            language=language,
            recipient=recipient,
            interpreter=self.interpreter_for(
                person.interpreter_language, person.location.name, at.date()
            )
            if needs_interpreter
            else "",
            guardian_name=f"{person.father_name} {person.family_name}".strip() if minor else "",
            guardian_relationship="father" if minor else "",
            uid=key,
            at=at,
        )

    def contact_consents(self):
        """About half the people with a phone agreed to SMS reminders when they registered."""
        if ConsentEvent.objects.filter(uid=uid("contact", 0)).exists():
            return
        rng = self.rng("contact")
        people = list(
            Person.objects.filter(mission=self.tr, merged_into__isnull=True, phones__isnull=False)
            .select_related("location__mission")
            .distinct()
            .order_by("pk")
        )
        chosen = [p for p in people if rng.random() < 0.5]
        for k, person in enumerate(chosen):
            actor = self.registrar_for(person.location)
            at = datetime.combine(
                rng.choice(self.days), time(rng.randint(9, 16), rng.randint(0, 59)), self.tz
            )
            self.consent(actor, person, "contact", min(at, self.now), key=uid("contact", k))
            self.written["contact consents"] += 1

    # --- configuration -----------------------------------------------------------------------

    def belarus_team(self):
        """The Belarus mission's migration health officer and team, who record its sessions."""
        username, first, last = BELARUS_USER
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=Role.objects.get(slug="physician"),
                language="ru",
            )
            core.save_user(self.admin, user, missions=[self.by], password=settings.DEMO_PASSWORD)
            self.written["users"] += 1
        self.users[username] = user
        self.minsk = Location.objects.get(mission=self.by, level="site", name=MINSK)
        team = Team.objects.filter(mission=self.by, name="Migration health Minsk").first()
        if team is None:
            team = core.save_team(
                self.admin,
                Team(mission=self.by, name="Migration health Minsk", base=self.minsk),
                locations=list(Location.objects.filter(pcode="BY02")),
                members=[user],
            )
            self.written["teams"] += 1
        self.minsk_team = team

    def place(self, where):
        if isinstance(where, tuple):
            province, district = where
            return Location.objects.get(parent__pcode=province, name=district)
        return self.sites[where]

    def directory(self):
        self.providers = {p.name: p for p in Provider.objects.filter(mission=self.tr)}
        for name, kind, team, where, phone, languages, offers, eligible, hours, what in DIRECTORY:
            if name in self.providers:
                continue
            provider = Provider(
                mission=self.tr,
                name=name,
                kind=kind,
                team=self.teams[team] if team else None,
                location=self.place(where),
                phone=phone,
                languages=languages,
                eligibility=eligible,
                hours=hours,
                description=what,
            )
            self.providers[name] = referrals.save_provider(
                self.admin, provider, offers=[self.type(code) for code in offers]
            )
            self.written["providers"] += 1

    def appointment_setup(self):
        """Opening hours, rooms, interpreters and their weeks, through the administrator's
        write functions (appointments.save_site_schedule, save_interpreter)."""
        spans = [(time(8, 30), time(12, 30)), (time(13, 30), time(17, 30))]
        for site in [*self.sites.values(), self.minsk]:
            if OpeningHours.objects.filter(site=site).exists():
                continue
            hours = [(d, a, b) for d in WEEK for a, b in spans]
            if site.site_type in ("community_centre", "municipal_centre"):
                hours.append((SAT, *spans[0]))
            site_name = MINSK if site == self.minsk else site.name
            appointments.save_site_schedule(
                self.admin, site, hours=hours, rooms=ROOMS.get(site_name, [])
            )
            self.written["opening hours"] += len(hours)
            self.written["rooms"] += len(ROOMS.get(site_name, []))
        self.rooms = {(r.site_id, r.name): r for r in Room.objects.all()}
        # The mission adds the dialects and languages its interpreters cover beyond the
        # shipped eight (Levantine Arabic, Dari, Oromo...), as an administrator would.
        for code in sorted({c for _n, langs, *_rest in INTERPRETERS for c in langs}):
            InterpretingLanguage.objects.get_or_create(mission=self.tr, code=code)
        for name, languages, username, phone, weeks in INTERPRETERS:
            if Interpreter.objects.filter(mission=self.tr, name=name).exists():
                continue
            availability = []
            for weekdays, where in weeks:
                site = self.sites[where] if where else None
                start, end = (time(8, 30), time(17, 30)) if site else (time(9, 0), time(12, 30))
                availability += [(d, start, end, site) for d in weekdays]
            appointments.save_interpreter(
                self.admin,
                Interpreter(
                    mission=self.tr,
                    name=name,
                    languages=languages,
                    phone=phone,
                    user=self.users.get(username) if username else None,
                ),
                availability=availability,
            )
            self.written["interpreters"] += 1
        self.interpreters = {i.name: i for i in Interpreter.objects.filter(mission=self.tr)}

    # --- the ledger --------------------------------------------------------------------------

    def pools(self):
        """The people of each site, and of each province, for choosing who came."""
        people = list(
            Person.objects.filter(mission=self.tr, merged_into__isnull=True).order_by("pk")
        )
        by_site, by_province = defaultdict(list), defaultdict(list)
        paths = {s.pk: s.path for s in self.sites.values()}
        for person in people:
            by_site[person.location_id].append(person)
            path = paths.get(person.location_id)
            if path:
                by_province[path.split("/")[1]].append(person)
        return by_site, by_province

    def events(self):
        if ServiceEvent.objects.filter(uid=uid("event", 0)).exists():
            return
        self.by_site, self.by_province = self.pools()
        self.rows = []
        self.health()
        self.assessments()
        self.psychosocial()
        self.case_management()
        self.cash()
        # Education, livelihoods, stabilisation and shelter, and the Belarus trainings are
        # recorded by their own apps' demos, each event behind a route, placement or project.
        self.community_centres()
        self.belarus()
        self.write_events()

    def add(self, actor, site, day, service, rng, *, mission=None, **data):
        """Queue one event (validated and written in write_events)."""
        mission = mission or self.tr
        location = site if isinstance(site, Location) else self.sites[site]
        at = data.pop("at", None) or self.at(rng, day, tz=ZoneInfo(mission.timezone))
        if at is None or at > self.now - timedelta(minutes=5):
            return None
        data.setdefault("modality", "centre")
        data.setdefault("staff", self.users[actor])
        person = data.get("person")
        if person is not None and "language" not in data:
            language = person.interpreter_language or "tur"
            data["language"] = language
            data["interpreter"] = self.interpreter_for(language, location.name, day)
        row = dict(service_type=self.type(service, mission), at=at, location=location, **data)
        self.rows.append((self.users[actor], mission, row))
        return row

    def headcount(self, rng, total, children=0.3, women=0.6, disability=0.06):
        """A group's unregistered people by sex, age band and disability (cells sum to total)."""
        bands = [("0-4", 0.1), ("5-11", 0.5), ("12-17", 0.4)]
        adults = [("18-59", 0.88), ("60+", 0.12)]
        cells = Counter()
        for _ in range(total):
            sex = "female" if rng.random() < women else "male"
            group = bands if rng.random() < children else adults
            band = rng.choices([b for b, _w in group], weights=[w for _b, w in group])[0]
            cells[(sex, band, rng.random() < disability)] += 1
        return [
            {"sex": s, "age_band": a, "disability": d, "count": c}
            for (s, a, d), c in sorted(cells.items())
        ]

    def group(self, rng, people, low, high):
        return rng.sample(people, min(len(people), rng.randint(low, high))) if people else []

    def choose(self, rng, people, test=None):
        if test:
            fitting = [p for p in people if test(p)]
            people = fitting or people
        return rng.choice(people) if people else None

    def health(self):
        """Clinic consultations in Istanbul (physician Mon/Wed/Fri, nurse daily) and Ankara
        (physician Tue/Thu), and the mobile health vehicle."""
        rng = self.rng("health")
        istanbul = self.by_province["TR34"]
        ankara = self.by_province["TR06"]
        women = lambda p: p.sex == "female" and 15 <= self.age(p) <= 49  # noqa: E731
        small = lambda p: self.age(p) < 5  # noqa: E731
        children = lambda p: self.age(p) < 15  # noqa: E731
        adults = lambda p: self.age(p) >= 30  # noqa: E731
        physician = [
            ("chronic_disease_consultation", adults, 40),
            ("srh_consultation", women, 22),
            ("health_counselling", None, 15),
            ("mhpss_consultation", None, 10),
        ]
        nurse = [
            ("immunization", children, 35),
            ("nutrition_consultation", small, 25),
            ("health_counselling", None, 25),
        ]
        for actor, weekdays, count, menu, people, site in [
            ("physician", (MON, WED, FRI), 1500, physician, istanbul, ISTANBUL),
            ("nurse", WEEK, 1700, nurse, istanbul, ISTANBUL),
            ("physician", (TUE, THU), 700, physician, ankara, ANKARA),
        ]:
            team = self.teams[
                "Migrant Health Centre Istanbul" if site == ISTANBUL else "Ankara clinic team"
            ]
            for day in self.pick_days(rng, self.n(count), weekdays):
                service, test, _w = rng.choices(menu, weights=[m[2] for m in menu])[0]
                person = self.choose(rng, people, test)
                self.add(
                    actor,
                    site,
                    day,
                    service,
                    rng,
                    person=person,
                    team=team,
                    modality="remote" if rng.random() < 0.04 else "centre",
                    projects=self.shares(day, ("MHD-2026", 100)),
                )
        team = self.teams["Migrant Health Centre Istanbul"]
        for day in self.pick_days(rng, self.n(600), (TUE, THU)):
            self.add(
                "nurse",
                MOBILE,
                day,
                "mobile_health_vehicle_consultation",
                rng,
                person=self.choose(rng, istanbul),
                team=team,
                modality="mobile",
                projects=self.shares(day, ("MHD-2026", 100)),
            )

    def assessments(self):
        """Pre-migration health assessments: each case a sequence over a few weeks, the later
        steps not yet done for the cases begun lately."""
        rng = self.rng("assessments")
        for site, people, weekdays in [
            (ISTANBUL, self.by_province["TR34"], (MON, WED, FRI)),
            (ANKARA, self.by_province["TR06"], (TUE, THU)),
        ]:
            team = self.teams[
                "Migrant Health Centre Istanbul" if site == ISTANBUL else "Ankara clinic team"
            ]
            nurse = "nurse" if site == ISTANBUL else "physician"
            refugees = [p for p in people if p.nationality != "TUR"]
            for start in self.pick_days(rng, self.n(200 if site == ANKARA else 150), weekdays):
                person = self.choose(rng, refugees)
                if person is None:
                    continue
                steps = [(0, "physician", "pre_migration_health_assessment")]
                if rng.random() < 0.3:
                    steps.append((0, "physician", "mental_health_evaluation"))
                steps.append((rng.randint(0, 3), nurse, "radiology_laboratory_investigation"))
                steps.append((rng.randint(5, 10), nurse, "pre_post_test_counselling"))
                if rng.random() < 0.08:
                    steps.append((rng.randint(6, 12), "physician", "specialist_referral"))
                if rng.random() < 0.03:
                    steps.append((rng.randint(6, 12), "physician", "tb_dot_referral"))
                steps.append((rng.randint(7, 20), nurse, "pre_migration_vaccination"))
                travel = rng.randint(25, 60)
                steps.append((travel, "physician", "fitness_to_travel_check"))
                if rng.random() < 0.4:
                    steps.append((travel, nurse, "pre_departure_medical_procedures"))
                if rng.random() < 0.6:
                    steps.append((travel + 1, "physician", "health_information_sharing"))
                if rng.random() < 0.03:
                    steps.append((travel + 3, "physician", "medical_escort"))
                for offset, actor, service in steps:
                    day = self.working_day(start + timedelta(days=offset), weekdays)
                    if day is None:
                        break
                    self.add(
                        actor,
                        site,
                        day,
                        service,
                        rng,
                        person=person,
                        team=team,
                        projects=self.shares(day, ("MHD-2026", 100)),
                    )

    def working_day(self, day, weekdays=WEEK):
        """That day, or the next working one of those weekdays; None if not yet come."""
        while day <= self.today:
            if day.weekday() in weekdays and day not in HOLIDAYS:
                return day
            day += timedelta(days=1)
        return None

    def psychosocial(self):
        """The PMTs: counsellor at Şahinbey Mon/Wed/Fri, Antakya (mobile) Tue/Thu."""
        rng = self.rng("pss")
        for site, team, weekdays, province, modality in [
            (SAHINBEY, "PMT Gaziantep", (MON, WED, FRI), "TR27", "centre"),
            (ANTAKYA, "PMT Hatay", (TUE, THU), "TR31", "mobile"),
        ]:
            people = self.by_province[province]
            team = self.teams[team]
            pss = lambda day: self.shares(day, ("PSS-2026", 100))  # noqa: E731
            for day in self.pick_days(rng, self.n(900), weekdays):
                self.add(
                    "counsellor",
                    site,
                    day,
                    "focused_individual_pss"
                    if rng.random() < 0.4
                    else "non_focused_individual_pss",
                    rng,
                    person=self.choose(rng, people),
                    team=team,
                    modality=rng.choices([modality, "home_visit", "remote"], weights=[80, 12, 8])[
                        0
                    ],
                    projects=pss(day),
                )
            for day in self.pick_days(rng, self.n(220), weekdays):
                self.add(
                    "counsellor",
                    site,
                    day,
                    "focused_group_pss" if rng.random() < 0.4 else "non_focused_group_pss",
                    rng,
                    participants=self.group(rng, people, 5, 10),
                    team=team,
                    modality=modality,
                    language="ara",
                    interpreter=self.interpreter_for("ara", site, day),
                    projects=pss(day),
                )
            for day in self.pick_days(rng, self.n(60), weekdays):
                self.add(
                    "counsellor",
                    site,
                    day,
                    "sociocultural_activity",
                    rng,
                    headcounts=self.headcount(rng, rng.randint(10, 30), children=0.6),
                    team=team,
                    modality=modality,
                    language="ara",
                    projects=pss(day),
                )
            for day in self.pick_days(rng, self.n(75), weekdays):
                self.add(
                    "counsellor",
                    site,
                    day,
                    "awareness_session",
                    rng,
                    headcounts=self.headcount(rng, rng.randint(8, 25), children=0.1, women=0.75),
                    team=team,
                    modality=modality,
                    language="ara",
                    projects=pss(day),
                )
            for day in self.pick_days(rng, self.n(12), weekdays):
                self.add(
                    "counsellor",
                    site,
                    day,
                    "focus_group_discussion",
                    rng,
                    participants=self.group(rng, people, 6, 10),
                    team=team,
                    modality=modality,
                    language="ara",
                    projects=pss(day),
                )
            for month, dayno, _what in CELEBRATIONS:
                if month not in (10, 11):  # World Mental Health Day, World Children's Day
                    continue
                day = self.celebration_day(month, dayno)
                if day is not None:
                    self.add(
                        "counsellor",
                        site,
                        day,
                        "sociocultural_activity",
                        rng,
                        headcounts=self.headcount(rng, rng.randint(40, 90), children=0.55),
                        team=team,
                        modality=modality,
                        language="ara",
                        projects=pss(day),
                    )

    def celebration_day(self, month, dayno):
        """This year's (or last year's) date within the window, moved off a weekend."""
        for year in (self.today.year, self.today.year - 1):
            day = date(year, month, dayno)
            while day.weekday() >= 5 or day in HOLIDAYS:
                day -= timedelta(days=1)
            if self.days[0] <= day <= self.today:
                return day
        return None

    def case_management(self):
        """Emergency case management: a caseload followed over months at Şahinbey (Mon/Wed/Fri)
        and Haliliye (Tue/Thu), with the needs the programme funds."""
        rng = self.rng("ecm")
        team = self.teams["Emergency case management South-East"]
        for site, weekdays, province, share in [
            (SAHINBEY, (MON, WED, FRI), "TR27", 0.6),
            (HALILIYE, (TUE, THU), "TR63", 0.4),
        ]:
            people = self.by_province[province]
            caseload = rng.sample(people, min(len(people), self.n(160 * share * 2, floor=3)))
            projects = (
                (("PSS-2026", 100),) if province == "TR27" else (("PSS-2026", 70), ("CBI-2026", 30))
            )
            for service, count in [
                ("emergency_case_management", 1300),
                ("social_services_counselling", 250),
                ("legal_counselling", 180),
                ("ecm_food_nfi_support", 120),
                ("ecm_medical_support", 110),
                ("ecm_transport_support", 80),
                ("ecm_health_transport", 60),
                ("ecm_special_needs_support", 45),
                ("ecm_accommodation_support", 40),
            ]:
                for day in self.pick_days(rng, self.n(count * share), weekdays):
                    self.add(
                        "caseworker",
                        site,
                        day,
                        service,
                        rng,
                        person=self.choose(rng, caseload),
                        team=team,
                        modality=rng.choices(["centre", "home_visit", "remote"], [70, 20, 10])[0],
                        projects=self.shares(day, *projects),
                    )
            for day in self.pick_days(rng, self.n(15 * share), weekdays):
                self.add(
                    "caseworker",
                    site,
                    day,
                    "conflict_mediation",
                    rng,
                    participants=self.group(rng, people, 2, 5),
                    team=team,
                    language="ara",
                    projects=self.shares(day, *projects),
                )

    def cash(self):
        """Multipurpose cash each month to the households enrolled, e-voucher market cards in
        two campaigns, hygiene kits each quarter and food parcels before the Ramadan feast."""
        rng = self.rng("cash")
        team = self.teams["Basic needs Şanlıurfa"]
        households = list(
            Household.objects.filter(mission=self.tr, location__path__startswith="TR/TR63/")
            .select_related("location")
            .order_by("pk")
        )
        if not households:
            return
        site = HALILIYE

        def give(day, household, service):
            self.add(
                "cash_officer",
                site,
                day,
                service,
                rng,
                household=household,
                team=team,
                language="ara",
                projects=self.shares(day, ("CBI-2026", 100)),
            )

        # Cash cycles: about the 15th of each month; a household is enrolled for eight months.
        enrolled = {h.pk: rng.randint(-7, 11) for h in households}
        for month in range(12):
            back = self.today.year * 12 + self.today.month - 1 - (11 - month)
            day = self.working_day(date(back // 12, back % 12 + 1, 15))
            if day is None or day < self.days[0]:
                continue
            for household in households:
                if enrolled[household.pk] <= month < enrolled[household.pk] + 8:
                    give(day, household, "multipurpose_cash")
        for campaign in (date(self.today.year - 1, 12, 10), date(self.today.year, 6, 10)):
            for household in households:
                if rng.random() < 0.6:
                    day = self.working_day(campaign + timedelta(days=rng.randint(0, 10)))
                    if day and day >= self.days[0]:
                        give(day, household, "e_voucher_market_card")
        for quarter in (2, 5, 8, 11):
            for household in households:
                if rng.random() < 0.45:
                    day = self.working_day(
                        date(self.today.year - (quarter > self.today.month), quarter, 5)
                        + timedelta(days=rng.randint(0, 12))
                    )
                    if day and day >= self.days[0]:
                        give(day, household, "hygiene_kit_distribution")
        for _start, end in RAMADAN:
            for household in households:
                if self.days[0] <= end <= self.today and rng.random() < 0.4:
                    day = self.working_day(end - timedelta(days=rng.randint(5, 12)))
                    if day and day >= self.days[0]:
                        give(day, household, "food_nfi_kit_distribution")

    def community_centres(self):
        """Counselling and information at the four centres, weekly information sessions,
        social events, legal information and the celebrations."""
        rng = self.rng("centres")
        for site, actor, weekdays, province, count, projects in [
            (HALILIYE, "clerk", WEEK, "TR63", 1400, (("PSS-2026", 100),)),
            (SAHINBEY, "caseworker", (MON, WED, FRI), "TR27", 1000, (("PSS-2026", 100),)),
            (KONAK, "livelihoods_officer", (MON, TUE, WED), "TR35", 800, (("PSS-2026", 100),)),
            (YUREGIR, "livelihoods_officer", (THU, FRI), "TR01", 700, ()),
        ]:
            people = [p for p in self.by_province[province] if self.age(p) >= 16]
            team = next(t for t in self.users[actor].teams.all() if t.mission_id == self.tr.pk)
            for day in self.pick_days(rng, self.n(count), weekdays):
                self.add(
                    actor,
                    site,
                    day,
                    "counselling_information_guidance",
                    rng,
                    person=self.choose(rng, people),
                    team=team,
                    modality="remote" if rng.random() < 0.15 else "centre",
                    projects=self.shares(day, *projects),
                )
            for service, count, size, children in [
                ("centre_information_session", 50, (10, 35), 0.1),
                ("social_event", 12, (25, 70), 0.45),
            ]:
                for day in self.pick_days(rng, self.n(count), weekdays):
                    self.add(
                        actor,
                        site,
                        day,
                        service,
                        rng,
                        headcounts=self.headcount(rng, rng.randint(*size), children=children),
                        team=team,
                        language="ara" if province != "TR35" else "tur",
                        projects=self.shares(day, *projects),
                    )
            if actor == "caseworker" or actor == "clerk":
                for day in self.pick_days(rng, self.n(12), weekdays):
                    self.add(
                        actor,
                        site,
                        day,
                        "legal_information_session",
                        rng,
                        headcounts=self.headcount(rng, rng.randint(10, 30), children=0.05),
                        team=team,
                        language="ara",
                        projects=self.shares(day, *projects),
                    )
            for month, dayno, what in CELEBRATIONS:
                day = self.celebration_day(month, dayno)
                if day is None:
                    continue
                self.add(
                    actor,
                    site,
                    day,
                    "celebration_event",
                    rng,
                    at=datetime.combine(day, time(14, 0), self.tz),
                    headcounts=self.headcount(rng, rng.randint(60, 180), children=0.5),
                    team=team,
                    language="tur",
                    notes=what,
                    projects=self.shares(day, *projects),
                )

    def belarus(self):
        """Belarus: health promotion sessions with migrants in Minsk, from the project's start
        (the trainings for government staff are the capacity app's)."""
        rng = self.rng("belarus")
        start = self.projects["BY-CD-2026"].start_date if "BY-CD-2026" in self.projects else None
        for day in self.pick_days(rng, self.n(24), (TUE, WED, THU), since=start):
            self.add(
                BELARUS_USER[0],
                self.minsk,
                day,
                "health_promotion_session",
                rng,
                mission=self.by,
                headcounts=self.headcount(rng, rng.randint(10, 30), children=0.15),
                team=self.minsk_team,
                language="rus",
                projects=self.shares(day, ("BY-CD-2026", 100)),
            )

    def write_events(self):
        """Validate every row with the ledger's _clean, then write them in bulk.

        record_service (the one write path) is ~10 ms an event here; at ~20,000 events that is
        minutes. So each row goes through the same _clean (its access check remembered, see
        remembered_scope) and the rows are written with bulk_create, with one audit entry per
        recorder summarising what the demo wrote for them. recorded_at is then set to the
        service time, as if each was recorded when given."""
        if not self.rows:
            return
        self.rows.sort(key=lambda r: r[2]["at"])
        cleaned = [
            (actor, mission, _clean(actor, mission, row)) for actor, mission, row in self.rows
        ]
        events = [
            ServiceEvent(
                uid=uid("event", k),
                mission=mission,
                recorded_by=actor,
                **{f: v for f, v in clean.items() if f not in CHILDREN},
            )
            for k, (actor, mission, clean) in enumerate(cleaned)
        ]
        ServiceEvent.objects.bulk_create(events, batch_size=2000)
        Participation.objects.bulk_create(
            (
                Participation(event=e, person=p)
                for e, (_a, _m, c) in zip(events, cleaned, strict=True)
                for p in c["participants"]
            ),
            batch_size=2000,
        )
        Headcount.objects.bulk_create(
            (
                Headcount(event=e, **cell)
                for e, (_a, _m, c) in zip(events, cleaned, strict=True)
                for cell in c["headcounts"]
            ),
            batch_size=2000,
        )
        ServiceProject.objects.bulk_create(
            (
                ServiceProject(event=e, project=p, share=s)
                for e, (_a, _m, c) in zip(events, cleaned, strict=True)
                for p, s in c["projects"]
            ),
            batch_size=2000,
        )
        ServiceEvent.objects.filter(pk__gte=events[0].pk, pk__lte=events[-1].pk).update(
            recorded_at=F("at")
        )
        per_actor = defaultdict(Counter)
        for actor, mission, clean in cleaned:
            per_actor[(actor, mission)][clean["service_type"].code] += 1
        for (actor, mission), counts in per_actor.items():
            self.audit_bulk(
                actor,
                mission,
                "services.serviceevent",
                sum(counts.values()),
                {"service_types": dict(sorted(counts.items()))},
            )
        self.written["events"] += len(events)

    # --- referrals ---------------------------------------------------------------------------

    def referrals(self):
        if Referral.objects.filter(uid=uid("referral", 0)).exists():
            return
        rng = self.rng("referrals")
        total = self.n(300, floor=12)
        plan = []
        for status, share, ages in REFERRAL_MIX:
            plan += [(status, ages)] * max(1, round(total * share))
        rng.shuffle(plan)
        candidates = self.referral_candidates()
        receivers = {
            team.pk: next(u for u in team.members.order_by("pk") if access.has(u, "services.refer"))
            for team in Team.objects.filter(providers__isnull=False).distinct()
        }
        weights = [r[0] for r in ROUTES]
        k = 0
        for status, (low, high) in plan:
            for _attempt in range(10):
                route = rng.choices(ROUTES, weights=weights)[0]
                events = [
                    pk
                    for pk, at in candidates[route[4], route[1]]
                    if low <= (self.now - at).total_seconds() / 86400 <= high + 0.5
                ]
                if events:
                    break
            else:
                continue
            event = ServiceEvent.objects.select_related(
                "person__location", "person__merged_into", "location", "team"
            ).get(pk=rng.choice(events))
            self.refer(rng, k, route, event, status, receivers)
            k += 1

    def referral_candidates(self):
        """Events each route may refer from, as (id, time): given by the referrer's service at
        its sites, to a person in the referrer's locations."""
        found = {}
        for _w, actor, services, sites, provider, *_rest in ROUTES:
            prefixes = access.location_prefixes(self.users[actor], self.tr)
            rows = (
                ServiceEvent.objects.filter(
                    mission=self.tr,
                    service_type__code__in=services,
                    location__in=[self.sites[s] for s in sites],
                    person__isnull=False,
                    voided_at__isnull=True,
                )
                .order_by("pk")
                .values_list("pk", "at", "person__location__path")
            )
            found[provider, actor] = [
                (pk, at)
                for pk, at, path in rows
                if prefixes is None or any(path.startswith(p) for p in prefixes)
            ]
        return found

    def refer(self, rng, k, route, event, status, receivers):
        _w, actor, _services, _sites, name, requested, urgency, reasons = route
        referrer = self.users[actor]
        provider = self.providers[name]
        person = event.person
        sent = event.at + timedelta(minutes=rng.randint(15, 90))
        sent = min(sent, self.now - timedelta(minutes=30))
        urgency = rng.choices(["routine", "urgent", "emergency"], weights=urgency)[0]
        if status == "sent" and urgency == "emergency" and self.now - sent > timedelta(hours=20):
            urgency = "urgent"
        if not provider.is_internal:
            self.consent(
                referrer,
                person,
                "referral",
                sent - timedelta(minutes=5),
                recipient=provider.name,
                key=uid("referral-consent", k),
            )
        referral = referrals.make_referral(
            referrer,
            person,
            provider=provider,
            reason=rng.choice(reasons),
            urgency=urgency,
            service_type=self.type(requested) if requested else None,
            from_event=event,
            location=event.location,
            team=event.team,
            uid=uid("referral", k),
        )
        self.written["referrals"] += 1
        steps = {
            "sent": [],
            "overdue": [],
            "accepted": ["accepted"],
            "in_progress": ["accepted", "in_progress"],
            "completed": ["accepted", "in_progress", "completed"]
            if rng.random() < 0.5
            else ["accepted", "completed"],
            "declined": ["declined"],
            "closed": ["closed"] if rng.random() < 0.5 else ["accepted", "closed"],
        }[status]
        # How long each step takes after the one before, in hours.
        delays = {
            "accepted": (2, 72) if urgency != "emergency" else (1, 6),
            "in_progress": (24, 24 * 7),
            "completed": (24 * 3, 24 * 40),
            "declined": (4, 24 * 4),
            "closed": (24 * 5, 24 * 30),
        }
        times = [sent]
        receiver = receivers.get(provider.team_id)
        by_link = not provider.is_internal and rng.random() < 0.4
        for step in steps:
            low, high = delays[step]
            at = times[-1] + timedelta(hours=rng.uniform(low, high))
            if at > self.now - timedelta(minutes=10):
                at = times[-1] + (self.now - times[-1]) / 2
            times.append(at)
            completed = COMPLETED.get(provider.kind) if step == "completed" else None
            feedback = completed or (
                rng.choice(FEEDBACK[step]) if step != "in_progress" or rng.random() < 0.5 else ""
            )
            if step == "closed":
                referrals.move(referrer, referral, step, feedback=feedback)
            elif provider.is_internal:
                referrals.move(receiver, referral, step, feedback=feedback)
            elif by_link and len(times) == 2:
                token = referrals.issue_link(referrer, referral)
                referrals.answer_by_link(
                    token, step, feedback=feedback, by_name=rng.choice(RECEIVED_BY[provider.kind])
                )
            else:
                referrals.move(
                    referrer,
                    referral,
                    step,
                    feedback=feedback,
                    by_name=rng.choice(RECEIVED_BY[provider.kind]),
                )
        self.backdate(referral, times, steps, urgency)

    def backdate(self, referral, times, steps, urgency):
        """make_referral and move stamp the present; the demo's referrals were made over the
        year, so their times (and the due time each step set) are moved back with updates."""
        rules = referrals.rules()
        due = times[0] + timedelta(hours=rules["answer_within_hours"][urgency])
        for step, at in zip(steps, times[1:], strict=True):
            if step == "accepted":
                due = at + timedelta(days=rules["complete_within_days"][urgency])
        Referral.objects.filter(pk=referral.pk).update(
            created_at=times[0], changed_at=times[-1], due=due
        )
        for update, at in zip(referral.updates.order_by("id"), times, strict=True):
            ReferralUpdate.objects.filter(pk=update.pk).update(at=at)
        if len(times) > 1:
            ReferralLink.objects.filter(referral=referral).update(
                created_at=times[0] + (times[1] - times[0]) / 4,
                expires_at=times[0] + timedelta(days=rules["link_valid_days"]),
                used_at=times[1],
            )

    # --- appointments ------------------------------------------------------------------------

    def appointments(self):
        """The next two weeks' appointments, and the last two weeks' (attended or missed).

        Slots are chosen here so that none clashes (room, interpreter, person, staff) and all
        fall in the opening hours and the interpreters' weeks; book() checks it all again.
        book() refuses a time already past, so a past appointment is booked STAGING_DAYS
        ahead (the same weekday and hour, beyond the fortnight shown) and then moved back with
        an update before its outcome is recorded with set_status."""
        if Appointment.objects.filter(uid=uid("appointment", 0)).exists():
            return
        rng = self.rng("appointments")
        if not hasattr(self, "by_site"):
            self.by_site, self.by_province = self.pools()
        days = [self.today + timedelta(days=d) for d in range(-14, 14)]
        days = [d for d in days if d.weekday() < 5 and d not in HOLIDAYS]
        # At scale 1 each site books its usual number a day; smaller scales book a share.
        full = sum(b[3] for d in days if d >= self.today for b in BOOKINGS if d.weekday() in b[2])
        share = min(1.0, self.n(150, floor=12) / max(full, 1))
        busy = defaultdict(list)  # ("room"|"staff"|"interpreter"|"person", id) -> spans
        plan = []
        for day in days:
            for site, actor, weekdays, count, menu in BOOKINGS:
                if day.weekday() not in weekdays:
                    continue
                wanted = count * share * (0.5 if day < self.today else 1)
                wanted = int(wanted) + (rng.random() < wanted % 1)
                for _ in range(wanted):
                    slot = self.slot(rng, site, actor, day, menu, busy)
                    if slot:
                        plan.append(slot)
        for k, slot in enumerate(plan):
            actor = self.users[slot.pop("actor")]
            starts, ends = slot["starts_at"], slot["ends_at"]
            shift = timedelta(days=STAGING_DAYS) if starts < self.now else timedelta(0)
            appointment = appointments.book(
                actor,
                self.tr,
                uid=uid("appointment", k),
                **{**slot, "starts_at": starts + shift, "ends_at": ends + shift},
            )
            self.written["appointments"] += 1
            if not shift:
                if rng.random() < 0.05:
                    appointments.set_status(actor, appointment, "cancelled")
                continue
            Appointment.objects.filter(pk=appointment.pk).update(starts_at=starts, ends_at=ends)
            appointment.refresh_from_db()
            outcome = rng.choices(["attended", "missed", "cancelled"], weights=[78, 16, 6])[0]
            event = None
            if outcome == "attended":
                staff = appointment.staff
                event = record_service(
                    staff,
                    self.tr,
                    uid=uid("appointment-event", k),
                    service_type=appointment.service_type,
                    person=appointment.person,
                    at=starts + timedelta(minutes=rng.randint(0, 15)),
                    location=appointment.site,
                    team=self.team_at(staff, appointment.site),
                    staff=staff,
                    modality="centre",
                    language=appointment.language
                    or appointment.person.interpreter_language
                    or "tur",
                    interpreter=appointment.interpreter.name if appointment.interpreter else "",
                )
                self.written["events"] += 1
            appointments.set_status(actor, appointment, outcome, event=event)

    def team_at(self, user, site):
        teams = [t for t in user.teams.all() if t.mission_id == site.mission_id]
        return next((t for t in teams if t.base_id == site.pk), teams[0] if teams else None)

    def slot(self, rng, site_name, actor, day, menu, busy):
        """A clash-free appointment at the site that day, or None."""
        site = self.sites[site_name]
        people = self.by_site.get(site.pk) or []
        if not people:
            return None
        service, staff, minutes, rooms = rng.choice(menu)
        person = rng.choice(people)
        language = person.interpreter_language
        name = self.interpreter_for(language, site_name, day)
        interpreter = self.interpreters.get(name)
        starts = []
        for opens, closes in [((8, 30), (12, 30)), ((13, 30), (17, 30))]:
            t = datetime.combine(day, time(*opens), self.tz)
            closing = datetime.combine(day, time(*closes), self.tz)
            while t + timedelta(minutes=minutes) <= closing:
                if t > self.now + timedelta(minutes=30) or day < self.today:
                    starts.append(t)
                t += timedelta(minutes=30)
        rng.shuffle(starts)
        room = self.rooms[(site.pk, rooms[0])]
        for starts_at in starts:
            ends_at = starts_at + timedelta(minutes=minutes)
            if starts_at > self.now - timedelta(hours=1) and day < self.today:
                continue
            use = interpreter
            # The remote interpreter works mornings only (09:00-12:30).
            if use is not None and not self.interpreter_works(use, starts_at, ends_at):
                use = None
            keys = [("room", room.pk), ("staff", staff), ("person", person.pk)]
            if use is not None:
                keys.append(("interpreter", use.pk))
            if any(a < ends_at and starts_at < b for key in keys for a, b in busy[key]):
                continue
            for key in keys:
                busy[key].append((starts_at, ends_at))
            return {
                "actor": actor,
                "person": person,
                "site": site,
                "service_type": self.type(service),
                "starts_at": starts_at,
                "ends_at": ends_at,
                "room": room,
                "staff": self.users[staff],
                "interpreter": use,
                "language": language if use else "",
            }
        return None

    def interpreter_works(self, interpreter, starts_at, ends_at):
        for name, _languages, _user, _phone, weeks in INTERPRETERS:
            if name == interpreter.name:
                anywhere = any(where is None for _d, where in weeks)
                a, b = (
                    starts_at.timetz().replace(tzinfo=None),
                    ends_at.timetz().replace(tzinfo=None),
                )
                return not anywhere or (time(9, 0) <= a and b <= time(12, 30))
        return False
