"""The livelihoods demo, in Izmir (Konak Community Centre) and Adana (Yüreğir): written
through the app's own functions (so every rule holds for it), deterministic, run once (the
first employer marks it done).

- Emre (livelihoods officer) takes ~40 skills profiles from registered adults, most with
  vocational counselling; four employers and a chamber's job desk post six vacancies (one
  already closed); ten people are placed from the ranked matches, their 3-month follow-ups
  recorded as they fell due, except one left overdue; two more are due within two weeks.
- A call for in-kind grants to migrant-owned businesses takes twelve applications, scored by
  Emre and Kemal (head of unit); Kemal awards six (within the budget) and rejects two with a
  reason; the six are delivered with receipts (uploaded or on paper).
- A youth entrepreneur call: three teams of young people, one awarded, delivered and
  mentored three times. An agriculture support call: one grant in Adana, delivered."""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from kopru.core.demo import moment
from kopru.core.models import Location, Project, User
from kopru.registry.models import Person

from . import grants, matching, skills
from .models import Application, Employer, Profile, Vacancy

NAMESPACE = uuid.UUID("3f6b2a1e-9c4d-4e8a-b7f5-1d2c3e4f5a60")
SEED = 2609
KONAK, YUREGIR = "Konak Community Centre", "Yüreğir Community Centre"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

OCCUPATIONS = ["7533", "8153", "7531", "9313", "7112", "5120", "9412", "5223", "6111", "9211",
               "7231", "4110", "2643", "8322", "9321", "7122", "7512", "5311"]  # fmt: skip
EMPLOYERS = [  # kind, name, sector, province, contact, phone
    ("employer", "Ege Tekstil Konfeksiyon", "C", "TR35", "Ayten Karaca", "+90 232 555 0140"),
    ("employer", "Kemeraltı Lokantası", "I", "TR35", "Hüseyin Tan", "+90 232 555 0177"),
    ("employer", "Yüreğir Yapı İnşaat", "F", "TR01", "Cengiz Uçar", "+90 322 555 0193"),
    ("employer", "Çukurova Tarım Kooperatifi", "A", "TR01", "Nuri Şen", "+90 322 555 0121"),
    ("partner", "İzmir Ticaret Odası İş Masası", "N", "TR35", "Seda Ergin", "+90 232 555 0100"),
]
# title, employer, isco, province, languages, education, positions, opened, closes, permit
VACANCIES = [
    ("Sewing machine operator", 0, "8153", "TR35", [("tur", "basic")], "1", 5, 120, 25, True),
    ("Tailor", 0, "7531", "TR35", [("tur", "basic")], "2", 2, 120, 25, True),
    ("Kitchen helper", 1, "9412", "TR35", [("tur", "basic")], "0", 2, 115, 20, True),
    ("Construction labourer", 2, "9313", "TR01", [], "0", 4, 118, 30, True),
    ("Tile setter", 2, "7122", "TR01", [("tur", "basic")], "1", 1, 118, -30, True),
    ("Seasonal crop farm labourer", 3, "9211", "TR01", [], "0", 6, 110, 40, False),
]
PLACED = [
    (0, 100),
    (0, 99),
    (0, 97),
    (1, 96),
    (2, 95),
    (3, 94),
    (3, 93),
    (4, 100),
    (5, 88),
    (5, 80),
]  # fmt: skip  (vacancy, days ago the job started)
BUSINESSES = [
    ("Şam Tatlıcısı", "A bakery of Syrian sweets in Konak: an oven and a display fridge."),
    ("Halep Terzi Atölyesi", "A tailoring workshop: two industrial sewing machines."),
    ("Anka Berber", "A barber's shop: chairs and tools."),
    ("Yasemin Market", "A neighbourhood grocery: shelves and a cold cabinet."),
    ("Usta Oto Tamir", "A car repair garage: a jack and a diagnostic kit."),
    ("Nur Kuaför", "A women's hairdresser: dryers and chairs."),
    ("Lezzet Dürüm", "A wrap stand: a grill and a counter."),
    ("Renk Boya", "House painting: sprayers and ladders."),
    ("Fırat Ayakkabı", "Shoe repair: a finishing machine."),
    ("Derya Nakış", "Embroidery to order: an embroidery machine."),
    ("Kardeşler Mobilya", "Cabinet-making: saws and a planer."),
    ("Sahil Çay Ocağı", "A tea house: urns and tables."),
]
ITEMS = [("Industrial sewing machine", 28000), ("Commercial oven", 42000),
         ("Display fridge", 31000), ("Steel shelving unit", 6500), ("Tool set", 9000),
         ("Hydraulic jack", 14000), ("Salon chair", 7500),
         ("Embroidery machine", 55000)]  # fmt: skip
TEAMS = [
    ("Kod Köprüsü", "A mobile app that helps small shops in Konak take orders online."),
    ("Yeşil Çatı", "Rooftop herb gardens for restaurants, built from recycled crates."),
    ("Çeviri Kapısı", "Community interpreting and translation by trained young people."),
]


def _uid(name):
    return uuid.uuid5(NAMESPACE, name)


def _adults(mission, province, low=18, high=59):
    found = Person.objects.filter(
        mission=mission, merged_into__isnull=True, location__path__startswith=province.path
    ).order_by("pk")
    return [p for p in found if p.age is not None and low <= p.age <= high]


def load_demo_livelihoods():
    if Employer.objects.filter(name=EMPLOYERS[0][1]).exists():
        return
    officer = User.objects.get(username="livelihoods_officer")
    head = User.objects.get(username="head_of_unit")
    mission = officer.missions.get(code="TR")
    rng = random.Random(SEED)
    today = timezone.localdate()
    provinces = {c: Location.objects.get(pcode=c) for c in ("TR35", "TR01")}
    sites = {
        "TR35": Location.objects.get(mission=mission, name=KONAK),
        "TR01": Location.objects.get(mission=mission, name=YUREGIR),
    }
    izmir, adana = _adults(mission, provinces["TR35"]), _adults(mission, provinces["TR01"])
    if len(izmir) < 12 or len(adana) < 12:
        return  # the services demo registers the people; without them there is no story
    young = [p for p in izmir + adana if p.age <= 29]
    youth = young[:9]
    adults = [p for p in izmir[:24] + adana[:20] if p not in youth]
    people = (adults + youth)[:44]

    # The people placed had the job's occupation, a permit and were free to start, as the
    # officer found them at the top of the ranked list.
    forced, pools = (
        {},
        {"TR35": [p for p in people if p in izmir], "TR01": [p for p in people if p in adana]},
    )
    for v, _ago in PLACED:
        pool = pools[VACANCIES[v][3]]
        if pool:
            forced[pool.pop(0).pk] = VACANCIES[v][2]
    profiles = []
    for person in people:
        province = "TR35" if person in izmir else "TR01"
        occs = rng.sample(OCCUPATIONS, rng.choice([1, 1, 2, 2, 3]))
        permit = rng.choices(["granted", "applied", "none", "exempt"], [55, 15, 20, 10])[0]
        if person.pk in forced:
            occs = [forced[person.pk], *[c for c in occs if c != forced[person.pk]]][:2]
            permit = "granted"
        languages = [{"code": "ara", "level": "native"}] if person.nationality != "TUR" else []
        languages.append(
            {
                "code": "tur",
                "level": "native"
                if person.nationality == "TUR"
                else rng.choice(["basic", "basic", "independent", "proficient"]),
            }
        )
        if rng.random() < 0.2:
            languages.append({"code": "eng", "level": rng.choice(["basic", "independent"])})
        day = today - timedelta(days=rng.randint(1, 88))
        profiles.append(
            skills.save_profile(
                officer,
                person,
                uid=_uid(f"profile/{person.uid}"),
                counselling=rng.random() < 0.75,
                site=sites[province],
                at=moment(day, rng.choice([10, 11, 14, 15])),
                occupations=[{"isco": c, "years": rng.randint(0, 12)} for c in occs],
                languages=languages,
                education="3"
                if person.pk in forced
                else rng.choice(["1", "2", "2", "3", "4", "6"]),
                certificates=(
                    [{"name": "Usta Öğreticilik", "issuer": "Halk Eğitim Merkezi", "year": 2024}]
                    if rng.random() < 0.25
                    else []
                ),
                permit=permit,
                permit_expires=today + timedelta(days=rng.randint(60, 500))
                if permit == "granted"
                else None,
                availability=rng.choices(["now", "month", "part_time", "not_now"], [60, 20, 12, 8])[
                    0
                ],
            )
        )
    employers = []
    for kind, name, sector, code, contact, phone in EMPLOYERS:
        employers.append(
            skills.save_employer(
                officer,
                Employer(
                    mission=mission,
                    kind=kind,
                    name=name,
                    sector=sector,
                    province=provinces[code],
                    contact_name=contact,
                    phone=phone,
                ),
            )
        )
    vacancies = []
    for title, e, isco, code, langs, edu, positions, opened, closes, permit in VACANCIES:
        vacancies.append(
            skills.save_vacancy(
                officer,
                Vacancy(
                    uid=_uid(f"vacancy/{title}"),
                    mission=mission,
                    employer=employers[e],
                    posted_by=employers[4] if e == 1 else None,
                    title=title,
                    isco=isco,
                    province=provinces[code],
                    languages=[{"code": c, "level": lv} for c, lv in langs],
                    min_education=edu,
                    positions=positions,
                    opens_on=today - timedelta(days=opened),
                    closes_on=today + timedelta(days=closes),
                    permit_required=permit,
                ),
            )
        )
    placed = set()
    for index, (v, ago) in enumerate(PLACED):
        vacancy = vacancies[v]
        start = today - timedelta(days=ago)
        candidates = [
            m.profile
            for m in matching.for_vacancy(
                vacancy,
                Profile.objects.filter(current=True, province=vacancy.province),
                on=start,
            )
            if m.profile.person_id not in placed
        ]
        if not candidates:
            continue
        profile = candidates[0]
        placed.add(profile.person_id)
        placement = skills.place(
            officer,
            vacancy,
            profile.person,
            uid=_uid(f"placement/{index}"),
            start_date=start,
            contract="seasonal"
            if vacancy.isco == "9211"
            else rng.choice(["permanent", "fixed_term", "fixed_term", "part_time"]),
            monthly_wage=str(rng.choice([22104, 24000, 26500, 28000, 30000])),
            site=sites[vacancy.province.pcode],
            at=moment(start - timedelta(days=3), 11),
        )
        three = placement.follow_ups.get(month=3)
        if three.due_on < today and index != 2:  # the third placement's check is overdue
            skills.record_follow_up(
                officer,
                three,
                employed=index != 5,
                reason="" if index != 5 else "working_conditions",
                done_on=three.due_on,
            )
    _grants(officer, head, mission, provinces, adults, youth, rng, today)


def _score(user, application, call, rng, bias):
    scores = {
        c["code"]: max(0, min(c["max"], round(c["max"] * bias + rng.randint(-1, 1))))
        for c in call.criteria
    }
    grants.score_application(user, application, scores)


def _grants(officer, head, mission, provinces, adults, youth, rng, today):
    project = Project.objects.filter(mission=mission, code="LIV-2026").first()
    both = [provinces["TR35"], provinces["TR01"]]
    business = grants.open_call(
        officer,
        mission=mission,
        project=project,
        kind="business_in_kind",
        uid=_uid("call/business"),
        title="In-kind grants to migrant-owned businesses, Izmir and Adana",
        budget="600000.00",
        panel=[officer, head],
        provinces=both,
        opens_on=today - timedelta(days=88),
        closes_on=today - timedelta(days=60),
    )
    applicants = [p for p in adults if p.nationality != "TUR"][:12]
    applications = []
    for n, (person, (name, plan)) in enumerate(zip(applicants, BUSINESSES, strict=False)):
        items = rng.sample(ITEMS, 2)
        applications.append(
            grants.submit_application(
                officer,
                business,
                lead=person,
                business_name=name,
                plan=plan,
                uid=_uid(f"application/{n}"),
                on=today - timedelta(days=80 - n),
                items=[{"description": d, "quantity": 1, "unit_cost": str(c)} for d, c in items],
            )
        )
    for n, application in enumerate(applications):
        bias = 0.9 - n * 0.05
        _score(officer, application, business, rng, bias)
        _score(head, application, business, rng, bias)
    ranked = grants.ranked(business.applications.all())
    for n, application in enumerate(ranked[:6]):
        grants.award(head, application)
        for k, item in enumerate(application.items.all()):
            day = today - timedelta(days=45 - n * 2 - k)
            grants.deliver(
                officer,
                application,
                item=item.description,
                quantity=item.quantity,
                value=item.total,
                delivered_on=day,
                uid=_uid(f"delivery/{application.uid}/{k}"),
                **(
                    {"receipt": PDF} if (n + k) % 2 == 0 else {"paper_reference": f"IZM-{n}{k:02d}"}
                ),
            )
    for application in ranked[-2:]:
        grants.reject(
            head, application, reason="The plan does not show how the business will find customers."
        )

    youth_call = grants.open_call(
        officer,
        mission=mission,
        project=project,
        kind="youth_team",
        uid=_uid("call/youth"),
        title="Youth entrepreneur teams 2026",
        budget="150000.00",
        panel=[officer, head],
        provinces=both,
        opens_on=today - timedelta(days=75),
        closes_on=today - timedelta(days=55),
    )
    teams = []
    for n, (name, plan) in enumerate(TEAMS):
        members = youth[n * 3 : (n + 1) * 3]
        if len(members) < 2:
            break
        teams.append(
            grants.submit_application(
                officer,
                youth_call,
                lead=members[0],
                members=members[1:],
                business_name=name,
                plan=plan,
                uid=_uid(f"team/{n}"),
                on=today - timedelta(days=70 - n),
                items=[
                    {"description": "Laptop", "quantity": 2, "unit_cost": "24000"},
                    {"description": "Starter materials", "quantity": 1, "unit_cost": "12000"},
                ],
            )
        )
    for n, team in enumerate(teams):
        _score(officer, team, youth_call, rng, 0.85 - n * 0.15)
        _score(head, team, youth_call, rng, 0.85 - n * 0.15)
    if teams:
        winner = grants.ranked(youth_call.applications.all())[0]
        grants.award(head, winner)
        for k, item in enumerate(winner.items.all()):
            grants.deliver(
                officer,
                winner,
                item=item.description,
                quantity=item.quantity,
                value=item.total,
                delivered_on=today - timedelta(days=42),
                receipt=PDF,
                uid=_uid(f"delivery/{winner.uid}/{k}"),
            )
        for k, (ago, topics) in enumerate(
            [(40, ["teamwork", "registration"]), (26, ["marketing", "pricing"]), (12, ["digital"])]
        ):
            grants.mentor(
                officer,
                winner,
                at=moment(today - timedelta(days=ago), 15),
                mentor="Ozan Akın (İzmir Teknoloji Geliştirme Bölgesi)",
                topics=topics,
                uid=_uid(f"mentoring/{k}"),
            )

    farm = grants.open_call(
        officer,
        mission=mission,
        project=project,
        kind="agriculture",
        uid=_uid("call/agriculture"),
        title="Agriculture support, Adana",
        budget="80000.00",
        panel=[officer, head],
        provinces=[provinces["TR01"]],
        opens_on=today - timedelta(days=70),
        closes_on=today - timedelta(days=50),
    )
    grower = next(
        (
            p
            for p in adults
            if p.location.path.startswith(provinces["TR01"].path)
            and not Application.objects.filter(members__person=p).exists()
        ),
        None,
    )
    if grower is None:
        return
    plot = grants.submit_application(
        officer,
        farm,
        lead=grower,
        business_name="Greenhouse tomatoes, Yüreğir",
        plan="A 300 m² greenhouse plot rented from the cooperative.",
        uid=_uid("farm/0"),
        on=today - timedelta(days=65),
        items=[
            {"description": "Drip irrigation kit", "quantity": 1, "unit_cost": "18500"},
            {"description": "Tomato seedlings (tray of 100)", "quantity": 10, "unit_cost": "650"},
        ],
    )
    _score(officer, plot, farm, rng, 0.8)
    _score(head, plot, farm, rng, 0.75)
    grants.award(head, plot)
    for k, item in enumerate(plot.items.all()):
        grants.deliver(
            officer,
            plot,
            item=item.description,
            quantity=item.quantity,
            value=item.total,
            delivered_on=today - timedelta(days=35),
            paper_reference=f"ADN-TAR-{k + 1:03d}",
            uid=_uid(f"delivery/{plot.uid}/{k}"),
        )
