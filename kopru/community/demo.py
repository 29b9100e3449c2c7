"""The community stabilisation and shelter demo: a quarter of the shelter engineer's (Burak)
work, deterministic, written through the app's own functions (so every rule holds for it) and
run once (the first project's uid marks it done).

- Seven stabilisation projects with municipalities in Adana (two), Gaziantep, Hatay, Izmir,
  Manisa and Kahramanmaraş (seed 003): six completed within the quarter, whose catchments
  add up to the seeds' 6,199 people, and one sports hall still in progress; milestones,
  placeholder progress photos drawn in code, contractor payments in TRY.
- Home repairs: the seeds' Gaziantep home of six people renovated by contractor; in Adana
  one completed, one not passing its after inspection (defects listed) and one just
  inspected; each with its bill of quantities.
- Five rental agreements in Adana at fixed rents: one renewed at a new rent, one with an
  overdue month, one ended early.
"""

import datetime as dt
import io
import random
import uuid
from decimal import Decimal

from kopru.core.models import Location, Mission, Project, User
from kopru.registry import services as registry
from kopru.registry.demo import named_person
from kopru.registry.models import Household
from kopru.services.models import AgeBand

from . import projects, rentals, repairs, services
from .models import Dwelling, RentalAgreement, StabilisationProject

NAMESPACE = uuid.UUID("0c6f3a8e-51d2-4b7e-9a64-2f1d8e7c5b93")
SEED = 2609
ADANA_SITE = "Yüreğir Community Centre"
GAZIANTEP_SITE = "Şahinbey Municipal Migrant and Community Centre"
PROJECT_CODE = "CST-2026"

# title, municipality, district P-code, facility, facility name, budget, contractor,
# days ago it started, days ago it completed (None: in progress), catchment
PROJECTS = [
    ("Repair of Yüreğir Şehit Öğretmen Primary School", "Yüreğir Belediyesi", "TR0115",
     "school", "Şehit Öğretmen İlkokulu", "1850000", "Çukurova Yapı İnşaat Ltd. Şti.", 150, 58, 1240),  # noqa: E501
    ("Seyhan neighbourhood park and playground", "Seyhan Belediyesi", "TR0112",
     "park", "Mithatpaşa Mahallesi parkı", "960000", "Adana Peyzaj ve Yapı A.Ş.", 120, 31, 1105),
    ("Nizip municipal sports hall refurbishment", "Nizip Belediyesi", "TR2704",
     "sports_hall", "Nizip Kapalı Spor Salonu", "2400000", "Fırat Yapı Taahhüt Ltd. Şti.", 170, 44, 1020),  # noqa: E501
    ("Antakya community centre repair after the earthquake", "Hatay Büyükşehir Belediyesi",
     "TR3102", "community_centre", "Antakya Toplum Merkezi", "3100000",
     "Asi İnşaat ve Mühendislik A.Ş.", 200, 19, 980),
    ("Karabağlar school garden and sanitation block", "Karabağlar Belediyesi", "TR3515",
     "school", "Uzundere Ortaokulu", "1350000", "Ege Onarım Yapı Ltd. Şti.", 140, 75, 864),
    ("Şehzadeler park lighting and walkways", "Şehzadeler Belediyesi", "TR4515",
     "park", "Gediz Parkı", "780000", "Manisa Elektrik ve Peyzaj Ltd. Şti.", 95, 9, 990),
    ("Onikişubat sports hall and changing rooms", "Onikişubat Belediyesi", "TR4609",
     "sports_hall", "Onikişubat Gençlik Spor Salonu", "2750000", "Maraş Yapı Taahhüt A.Ş.",
     80, None, 1150),
]  # fmt: skip

MILESTONES = [
    ("Site handed over to the contractor", 10),
    ("Demolition and rough works", 25),
    ("Roof, structure and installations", 30),
    ("Finishing and painting", 25),
    ("Final inspection and hand-over", 10),
]

# Shares of a catchment by age band: a school's is mostly children, a public space's
# everyone's (UNHCR bands).
SHARES = {
    "school": {"0-4": 2, "5-11": 46, "12-17": 26, "18-59": 24, "60+": 2},
    "other": {"0-4": 9, "5-11": 17, "12-17": 14, "18-59": 49, "60+": 11},
}

# key, head "given family sex age", members "relationship given sex age; ..."
FAMILIES = [
    ("gaz-referred", GAZIANTEP_SITE, "Abdullah Hamwi m 44",
     "spouse Widad f 39; child Yasin m 16; child Rahaf f 12; child Mustafa m 8; parent Fatma f 70"),
    ("ada-roof", ADANA_SITE, "Nour Al-Hassan f 41", "child Bashar m 13; child Hala f 9"),
    ("ada-damp", ADANA_SITE, "Jamal Rifai m 36", "spouse Sawsan f 31; child Qusay m 4"),
    ("ada-windows", ADANA_SITE, "Hussein Karimi m 50", "spouse Zahra f 46; child Reza m 17"),
    ("ada-rent-renewed", ADANA_SITE, "Munira Sabbagh f 34", "child Adnan m 10; child Ruba f 6"),
    ("ada-rent-overdue", ADANA_SITE, "Tarek Jaber m 29", "spouse Lama f 26"),
    ("ada-rent-ended", ADANA_SITE, "Samir Daher m 47", "spouse Iman f 42; child Hadi m 15"),
    ("ada-rent-new", ADANA_SITE, "Ghalia Nasr f 58", "grandchild Maya f 8"),
    ("ada-rent-paid", ADANA_SITE, "Ahmad Qassab m 33", "spouse Rim f 30; child Omar m 2"),
]  # fmt: skip
SEX = {"f": "female", "m": "male"}


def _uid(name):
    return uuid.uuid5(NAMESPACE, name)


def _split(total, shares):
    """`total` shared out by whole weights, the remainders to the largest fractions."""
    weight = sum(shares.values())
    exact = {k: total * w / weight for k, w in shares.items()}
    whole = {k: int(v) for k, v in exact.items()}
    rest = total - sum(whole.values())
    for k in sorted(exact, key=lambda k: exact[k] - whole[k], reverse=True)[:rest]:
        whole[k] += 1
    return whole


def _catchment(total, facility, rng):
    by_band = _split(total, SHARES["school" if facility == "school" else "other"])
    cells = {}
    for band in AgeBand.values:
        female = _split(by_band[band], {"f": 50 + rng.randint(-3, 4), "m": 50})
        cells[("female", band)] = female["f"]
        cells[("male", band)] = female["m"]
    host = total * rng.randint(42, 55) // 100
    return cells, {"temporary_protection": total - host - total // 20, "host_community": host,
                   "ip_holder": total // 20}  # fmt: skip


def placeholder_photo(text, colour):
    """A small JPEG standing in for a site photo: a coloured board with a caption."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 140, 310, 190), fill=(255, 255, 255))
    draw.text((18, 150), text[:48], fill=(30, 30, 30))
    draw.text((18, 168), "Kopru demo photo", fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _born(age, today):
    return dt.date(today.year - age, 1 + age % 12, 1 + age % 27)


def _families(officer, mission, today):
    homes = {}
    for key, site_name, head_text, members_text in FAMILIES:
        site = Location.objects.get(mission=mission, level="site", name=site_name)
        given, family, sex, age = head_text.split()
        head = named_person(
            officer, site, _uid(f"{key}/head"), given_name=given, family_name=family,
            sex=SEX[sex], birth_date=_born(int(age), today),
        )  # fmt: skip
        home = Household.objects.filter(
            memberships__person=head, memberships__end_date=None
        ).first()
        if home is None:
            home = registry.create_household(
                officer, Household(mission=mission, location=site), head=head
            )
            for n, member in enumerate(m.split() for m in members_text.split(";") if m.strip()):
                relationship, name, member_sex, member_age = member
                person = named_person(
                    officer, site, _uid(f"{key}/{n}"), given_name=name, family_name=family,
                    sex=SEX[member_sex], birth_date=_born(int(member_age), today),
                )  # fmt: skip
                registry.add_member(officer, home, person, relationship)
        homes[key] = home
    return homes


def _funding(mission, today):
    """The project the core demo set up for this work (core/demo.py PROJECTS)."""
    return Project.objects.get(mission=mission, code=PROJECT_CODE)


def load_demo_community():
    tr = Mission.objects.filter(code="TR").first()
    if tr is None or StabilisationProject.objects.filter(uid=_uid("project/0")).exists():
        return
    officer = User.objects.get(username="shelter_engineer")
    today = services.today(tr)
    rng = random.Random(SEED)
    funding = _funding(tr, today)
    _projects(officer, tr, funding, today, rng)
    homes = _families(officer, tr, today)
    _repairs(officer, tr, homes, today)
    _rentals(officer, tr, homes, today)


def _projects(officer, tr, funding, today, rng):
    colours = [(176, 132, 92), (112, 146, 176), (132, 164, 110), (190, 160, 90)]
    for n, row in enumerate(PROJECTS):
        title, municipality, district, facility, name, budget, contractor = row[:7]
        started, completed, catchment = row[7:]
        start = today - dt.timedelta(days=started)
        end = today - dt.timedelta(days=completed) if completed is not None else None
        project = projects.save_project(
            officer,
            StabilisationProject(
                uid=_uid(f"project/{n}"),
                mission=tr,
                title=title,
                municipality=municipality,
                district=Location.objects.get(pcode=district),
                facility=facility,
                facility_name=name,
                project=funding,
                budget=budget,
                contractor=contractor,
                starts_on=start,
                ends_on=end or today + dt.timedelta(days=45),
            ),
        )
        # Milestones spread over the works; an unfinished project has done the first three.
        finish = end or today + dt.timedelta(days=45)
        span = (finish - start).days
        done_until = len(MILESTONES) if end else 3
        for k, (label, weight) in enumerate(MILESTONES):
            planned = start + dt.timedelta(days=span * (k + 1) // len(MILESTONES))
            milestone = projects.add_milestone(
                officer, project, name=label, planned_on=planned, weight=weight,
                uid=_uid(f"project/{n}/m{k}"),
            )  # fmt: skip
            if k < done_until:
                done = min(planned + dt.timedelta(days=rng.randint(-3, 4)), end or today)
                projects.mark_done(officer, milestone, done_on=max(done, start))
            if k in (1, 3) and k < done_until:
                milestone.refresh_from_db()
                projects.add_photo(
                    officer,
                    project,
                    placeholder_photo(f"{name}: {label}", colours[(n + k) % len(colours)]),
                    caption=label,
                    taken_on=milestone.done_on,
                    milestone=milestone,
                )
        amount = Decimal(budget)
        shares = (30, 40, 25) if end else (30,)
        for k, share in enumerate(shares):
            paid = start + dt.timedelta(days=(span if end else (today - start).days) * (k + 1) // 4)
            projects.record_payment(
                officer, project, amount=(amount * share / 100).quantize(Decimal("0.01")),
                paid_on=min(paid, today), reference=f"HKD-2026/{n + 1:02d}-{k + 1}",
                uid=_uid(f"project/{n}/pay{k}"),
            )  # fmt: skip
        cells, groups = _catchment(catchment, facility, rng)
        if end:
            projects.complete_project(
                officer,
                project,
                completed_on=end,
                handover_note=(
                    f"Handed over to {municipality} with the contractor's guarantee letter; "
                    "the municipality maintains the facility."
                ),
                cells=cells,
                groups=groups,
            )
        else:
            projects.set_catchment(officer, project, cells=cells, groups=groups)


def _dwelling(officer, tr, home, key, district, address, tenure):
    return repairs.add_dwelling(
        officer,
        Dwelling(
            uid=_uid(f"dwelling/{key}"),
            mission=tr,
            household=home,
            location=Location.objects.get(pcode=district),
            address=address,
            tenure=tenure,
        ),
    )


# key, district, address, tenure, works, contractor, BoQ lines, days ago (before inspection,
# after inspection, passed, moved in / completed)
REPAIRS = [
    ("gaz-referred", "TR2707", "Karşıyaka Mah. 45012 Sk. No:7, Şahinbey", "rented",
     ["wall_insulation", "doors_windows", "painting"], "Gaziantep Yapı Onarım Ltd. Şti.",
     [("EPS facade insulation 5 cm", "m2", "86", "420.00"),
      ("PVC window with double glazing", "piece", "6", "5800.00"),
      ("Steel entrance door", "piece", "1", "9500.00"),
      ("Interior wall painting", "m2", "210", "95.00")],
     (70, 36, True, 34)),
    ("ada-roof", "TR0115", "Yavuz Sultan Selim Mah. 1234 Sk. No:3, Yüreğir", "owned",
     ["roof", "painting"], "Çukurova Yapı İnşaat Ltd. Şti.",
     [("Roof tiles replaced", "m2", "64", "650.00"), ("Roof insulation membrane", "m2", "64", "180.00"),  # noqa: E501
      ("Interior wall painting", "m2", "150", "95.00")],
     (62, 27, True, 25)),
    ("ada-damp", "TR0115", "Kiremithane Mah. 2021 Sk. No:11, Yüreğir", "rented",
     ["wet_areas", "heating"], "Seyhan Tesisat Ltd. Şti.",
     [("Bathroom tiling and waterproofing", "m2", "14", "1250.00"),
      ("Toilet and washbasin set", "set", "1", "7400.00"), ("Wood and coal stove", "piece", "1", "6200.00")],  # noqa: E501
     (40, 12, False, None)),
    ("ada-windows", "TR0112", "Döşeme Mah. 60012 Sk. No:5, Seyhan", "hosted",
     ["doors_windows", "electrical"], "Adana Doğrama Ltd. Şti.",
     [("PVC window with double glazing", "piece", "4", "5800.00"),
      ("Electrical installation renewed", "lump", "1", "14500.00")],
     (6, None, None, None)),
]  # fmt: skip


def _repairs(officer, tr, homes, today):
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    for key, district, address, tenure, works, contractor, lines, timing in REPAIRS:
        before, after, passed, done = timing
        dwelling = _dwelling(officer, tr, homes[key], key, district, address, tenure)
        repair = repairs.open_repair(
            officer, dwelling, works=works, contractor=contractor, uid=_uid(f"repair/{key}")
        )
        for item, unit, quantity, price in lines:
            repairs.add_boq_line(
                officer, repair, item=item, unit=unit, quantity=quantity, unit_price=price
            )
        repairs.inspect(
            officer, repair, kind="before", on=ago(before), inspector="Burak Aslan",
            findings="Damp walls and single-glazed windows; the family heats one room only.",
            photos=[placeholder_photo(f"{address[:30]}: before", (120, 110, 100))],
        )  # fmt: skip
        if after is None:
            continue
        repairs.inspect(
            officer, repair, kind="after", on=ago(after), inspector="Burak Aslan",
            passed=passed,
            defects="" if passed else "Bathroom floor slopes away from the drain; stove flue "
            "not sealed at the wall.",
            photos=[placeholder_photo(f"{address[:30]}: after", (150, 170, 150))],
        )  # fmt: skip
        if done is not None:
            repairs.confirm_moved_in(officer, repair, on=ago(done))
            repairs.complete_repair(officer, repair, completed_on=ago(done))


def _months_ago(today, n, day=1):
    month = today.replace(day=1)
    for _k in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month.replace(day=day)


# key, district, address, landlord, phone, identity, months ago it started, term months, rent,
# deposit
RENTALS = [
    ("ada-rent-renewed", "TR0115", "Cumhuriyet Mah. 1051 Sk. No:9 D:2, Yüreğir",
     "Mehmet Yılmaz", "0532 418 22 10", "TC 1234567890", 13, 12, "7500.00", "7500.00"),
    ("ada-rent-overdue", "TR0115", "Sinanpaşa Mah. 1108 Sk. No:14 D:4, Yüreğir",
     "Hatice Demirtaş", "0505 611 73 45", "TC 2345678901", 3, 12, "6800.00", "6800.00"),
    ("ada-rent-ended", "TR0112", "Gülpınar Mah. 80045 Sk. No:2 D:1, Seyhan",
     "Ali Rıza Kılıç", "0543 290 18 66", "TC 3456789012", 5, 12, "8200.00", "8200.00"),
    ("ada-rent-new", "TR0115", "Levent Mah. 1224 Sk. No:6 D:3, Yüreğir",
     "Sevgi Aksoy", "0555 702 41 39", "TC 4567890123", 1, 12, "6500.00", "6500.00"),
    ("ada-rent-paid", "TR0112", "Yeşilyurt Mah. 60211 Sk. No:18 D:5, Seyhan",
     "Yusuf Özdemir", "0532 915 04 27", "TC 5678901234", 2, 12, "7200.00", "7200.00"),
]  # fmt: skip


def _pay_until(officer, agreement, last, today, skip=()):
    for month in rentals.months(agreement):
        if month > last or month in skip:
            continue
        rentals.pay(
            officer, agreement, month=month, paid_on=min(month + dt.timedelta(days=2), today),
            reference=f"EFT-{agreement.pk}-{month:%Y%m}", uid=uuid.uuid5(agreement.uid, f"{month}"),
        )  # fmt: skip


def _rentals(officer, tr, homes, today):
    this_month = today.replace(day=1)
    for key, district, address, landlord, phone, identity, ago, term, rent, deposit in RENTALS:
        dwelling = _dwelling(officer, tr, homes[key], key, district, address, "rented")
        start = _months_ago(today, ago)
        end = _add_months(start, term) - dt.timedelta(days=1)
        agreement = rentals.sign(
            officer,
            RentalAgreement(
                uid=_uid(f"rental/{key}"), dwelling=dwelling, landlord_name=landlord,
                landlord_phone=phone, landlord_identity=identity, starts_on=start, ends_on=end,
                monthly_rent=rent, deposit=deposit, signed_on=start - dt.timedelta(days=3),
            ),
        )  # fmt: skip
        if key == "ada-rent-overdue":
            # This month's rent not paid by its due day: overdue.
            _pay_until(officer, agreement, this_month, today, skip=(this_month,))
        elif key == "ada-rent-ended":
            _pay_until(officer, agreement, _months_ago(today, 2), today)
            rentals.end_early(
                officer, agreement, ended_on=_months_ago(today, 1) - dt.timedelta(days=1),
                reason="The family moved to Mersin, where the father found seasonal work.",
            )  # fmt: skip
        elif key == "ada-rent-renewed":
            _pay_until(officer, agreement, end, today)
            renewal = rentals.renew(
                officer, agreement, ends_on=_add_months(end + dt.timedelta(days=1), 12)
                - dt.timedelta(days=1), monthly_rent="8400.00", signed_on=end - dt.timedelta(days=6),  # noqa: E501
                uid=_uid(f"rental/{key}/renewal"),
            )  # fmt: skip
            _pay_until(officer, renewal, this_month, today)
        else:
            _pay_until(officer, agreement, this_month, today)


def _add_months(day, n):
    month = day.month - 1 + n
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)
