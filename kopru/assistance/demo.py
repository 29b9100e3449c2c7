"""The basic needs demo, in Adana: deterministic, written through the app's own functions (so
every rule holds for it) and run once (the programme's code marks it done).

- Multi-purpose cash MPC-ADANA: the cash officer (Hasan) targets the registered households of
  Adana with the criteria on the programme, includes one family below the score and excludes
  one that moved, with reasons; the head of unit (Kemal) approves the list and the cycle.
  Cards are taken into stock, assigned and handed over against a signature or thumbprint;
  the load file is produced and the provider's confirmation imported (each load a service
  to the household); the provider's redemption file holds two planted anomalies (a shop
  that is not contracted, a card used after it was reported lost), both flagged, and the
  reconciliation balances to the lira. A monitoring sample is drawn, three interviews
  recorded; three complaints, one about misconduct seen only by the head of unit.
- Hygiene kits HYG-ADANA: a one-off in-kind programme, a warehouse stocked, a distribution
  list at the Yüreğir Community Centre; most households receive (one through a proxy), the
  stock moves and each receipt is a service.
"""

import uuid
from datetime import date, timedelta

from django.utils import timezone

from kopru.core.demo import moment
from kopru.core.models import Location, Mission, Project, User
from kopru.registry import services as registry
from kopru.registry.demo import named_person
from kopru.registry.models import Household

from . import cards, inkind, monitoring, redemptions, services
from .models import Card, Complaint, PdmResponse, Programme, Vendor, Warehouse

NAMESPACE = uuid.UUID("5a8e1c3d-7f2b-4e69-b0d4-2c9f6a1e8b57")
SITE = "Yüreğir Community Centre"

# key, head (given family, sex, age), vulnerabilities, members "relationship name sex age; ..."
FAMILIES = [
    ("widow-5", "Fatima Al-Ahmad f 36", ["no_income"],
     "child Rami m 14; child Lina f 11; child Sami m 8; child Hiba f 4; child Yaman m 2"),
    ("big-family", "Mahmoud Haddad m 45", [],
     "spouse Samira f 40; child Omar m 17; child Nada f 15; child Ali m 12; child Rana f 9; "
     "parent Hassan m 72"),
    ("female-head", "Aisha Khalil f 52", ["chronic_illness"],
     "child Zaid m 16; grandchild Maya f 3"),
    ("no-income-6", "Yousef Darwish m 38", ["no_income"],
     "spouse Huda f 33; child Adam m 10; child Jana f 7; child Karim m 5; child Salma f 1"),
    ("older-couple", "Ibrahim Nasser m 68", ["chronic_illness", "no_income"], "spouse Mariam f 64"),
    ("single-mother", "Rasha Hamdan f 29", ["single_parent"], "child Tamer m 6; child Dana f 3"),
    ("young-couple", "Khaled Saleh m 27", [], "spouse Noor f 24; child Laith m 1"),
    ("man-alone", "Bilal Qasem m 31", [], ""),
    ("eviction", "Waleed Mansour m 41", ["eviction_risk", "no_income"],
     "spouse Reem f 37; child Fadi m 13; child Sara f 9; child Tala f 6"),
    ("moved", "Hasan Barakat m 39", ["no_income"],
     "spouse Dima f 35; child Nabil m 12; child Lama f 10; child Jad m 4"),
    ("injured", "Ahmad Suleiman m 34", [], "spouse Ghada f 30; child Yazan m 2"),
    ("grandmother", "Zainab Othman f 61", ["no_income"],
     "grandchild Hadi m 12; grandchild Leen f 9; grandchild Ward f 7"),
]  # fmt: skip
SEX = {"f": "female", "m": "male"}


def _uid(name):
    return uuid.uuid5(NAMESPACE, name)


def _born(age, today):
    return date(today.year - age, 1 + age % 12, 1 + age % 27)


def _families(officer, site, today):
    homes = {}
    for key, head_text, flags, members_text in FAMILIES:
        given, family, sex, age = head_text.split()
        head = named_person(
            officer,
            site,
            _uid(f"{key}/head"),
            given_name=given,
            family_name=family,
            sex=SEX[sex],
            birth_date=_born(int(age), today),
            vulnerabilities=flags,
        )
        home = Household.objects.filter(
            memberships__person=head, memberships__end_date=None
        ).first()
        if home is None:
            home = registry.create_household(
                officer, Household(mission=site.mission, location=site), head=head
            )
            members = [m.split() for m in members_text.split(";") if m.strip()]
            for n, (relationship, name, member_sex, member_age) in enumerate(members):
                person = named_person(
                    officer,
                    site,
                    _uid(f"{key}/{n}"),
                    given_name=name,
                    family_name=family,
                    sex=SEX[member_sex],
                    birth_date=_born(int(member_age), today),
                )
                registry.add_member(officer, home, person, relationship)
        homes[key] = home
    return homes


def _target(officer, head, programme, homes, decisions):
    run = services.run_targeting(officer, programme)
    for key, include, reason in decisions:
        candidate = run.candidates.get(household=homes[key])
        services.decide(officer, candidate, include=include, reason=reason)
    services.approve_run(head, run)
    return run


def _head_of(home):
    return home.memberships.get(relationship="head", end_date=None).person


def load_demo_assistance():
    tr = Mission.objects.filter(code="TR").first()
    if tr is None or Programme.objects.filter(mission=tr, code="MPC-ADANA").exists():
        return
    officer = User.objects.get(username="cash_officer")
    head = User.objects.get(username="head_of_unit")
    site = Location.objects.get(mission=tr, name=SITE)
    project = Project.objects.get(mission=tr, code="CBI-2026")
    adana = Location.objects.get(pcode="TR01")
    today = timezone.localdate()
    homes = _families(officer, site, today)
    _cash(officer, head, tr, site, project, adana, homes, today)
    _kits(officer, head, tr, site, project, adana, homes, today)


def _cash(officer, head, tr, site, project, adana, homes, today):
    programme = services.save_programme(
        officer,
        Programme(
            mission=tr,
            code="MPC-ADANA",
            name="Multi-purpose cash, Adana",
            modality=Programme.Modality.CARD,
            project=project,
            budget="400000.00",
            criteria=[
                {"code": "household_size", "weight": 2, "threshold": 5},
                {"code": "female_headed", "weight": 2},
                {"code": "no_income", "weight": 2},
                {"code": "chronic_illness", "weight": 1},
                {"code": "older_person", "weight": 1},
                {"code": "child_under_five", "weight": 1},
                {"code": "eviction_risk", "weight": 1},
            ],
            cutoff=3,
            transfer_values={
                "by_size": {"1": "1500.00", "2": "2000.00", "3": "2500.00", "4": "3000.00"},
                "extra_member": "250.00",
                "cap": "4500.00",
            },
            recurring=True,
            status=Programme.Status.ACTIVE,
        ),
        provinces=[adana],
    )
    run = _target(
        officer,
        head,
        programme,
        homes,
        [
            ("injured", True, "Husband injured at work in October, no income since (home visit)."),
            ("moved", False, "Moved to Mersin in November, confirmed by phone."),
        ],
    )
    start = today - timedelta(days=21)
    cycle = services.create_cycle(officer, run, starts_on=start, ends_on=start + timedelta(days=60))
    services.advance_cycle(head, cycle)

    # Cards: stock, then each listed household's card handed over at the centre.
    households = list(
        cycle.entitlements.order_by("household_id").values_list("household", flat=True)
    )
    serials = [f"ADN{n:05d}" for n in range(1, len(households) + 6)]
    cards.receive_cards(officer, programme, serials)
    handed = moment(today - timedelta(days=20), 10)
    for n, household in enumerate(households):
        card = Card.objects.get(serial=serials[n])
        home = Household.objects.get(pk=household)
        cards.assign_card(officer, card, home)
        cards.hand_over(
            officer,
            card,
            recipient=_head_of(home),
            confirmation="thumbprint" if n % 4 == 3 else "signature",
            at=handed + timedelta(minutes=6 * n),
        )
    content, _record = cards.load_file(officer, cycle)
    answer = ["CARD_NO;AMOUNT;STATUS"]
    for line in content.decode().splitlines()[1:]:
        serial, amount = line.split(";")[:2]
        answer.append(f"{serial};{amount};OK")
    cards.import_confirmation(
        officer,
        cycle,
        ("\n".join(answer) + "\n").encode(),
        name="provider-confirmation.csv",
        at=moment(today - timedelta(days=18), 9),
    )
    services.advance_cycle(officer, cycle)

    shops = _vendors(officer, tr, programme, start)
    lost = Card.objects.get(serial=serials[2])
    cards.block_card(
        officer,
        lost,
        reason="Reported lost by the family",
        at=moment(today - timedelta(days=6), 15),
    )
    redemptions.import_redemptions(
        officer,
        cycle,
        _redemption_file(cycle, shops, serials[2], today),
        name="provider-redemptions.csv",
    )
    _monitor(officer, head, tr, programme, cycle, homes, today)


def _vendors(officer, tr, programme, start):
    yuregir = Location.objects.get(
        mission=tr, pcode__startswith="TR01", name="Yüreğir", level="district"
    )
    seyhan = (
        Location.objects.filter(mission=tr, parent__pcode="TR01", name="Seyhan").first() or yuregir
    )
    shops = []
    for code, name, place, categories, contracted in (
        ("ADN-M101", "Yüreğir Halk Market", yuregir, ["food", "hygiene", "baby"], True),
        ("ADN-M102", "Kiremithane Gıda", yuregir, ["food", "hygiene"], True),
        (
            "ADN-M103",
            "Seyhan Aile Market",
            seyhan,
            ["food", "hygiene", "clothing", "household"],
            True,
        ),
        ("ADN-M904", "Bakkal Yıldız", yuregir, ["food"], False),
    ):
        vendor = redemptions.save_vendor(
            officer,
            Vendor(
                mission=tr,
                code=code,
                name=name,
                location=place,
                categories=categories,
                address=f"{place.name}, Adana",
            ),
        )
        if contracted:
            redemptions.contract(
                officer, vendor, programme, starts_on=start, ends_on=start + timedelta(days=365)
            )
        shops.append(code)
    return shops


def _redemption_file(cycle, shops, lost_serial, today):
    """Two or three purchases a household at contracted shops, well within what was loaded,
    hours apart; planted: one purchase at the shop that is not contracted, and the lost
    card used two days after it was blocked."""
    lines = ["TXN_ID;CARD_NO;MERCHANT_ID;TXN_TIME;AMOUNT;CATEGORY"]
    txn = f"TX{cycle.number:02d}"
    first = today - timedelta(days=16)
    n = 0
    for i, e in enumerate(cycle.entitlements.select_related("card").order_by("household_id")):
        cents = int(e.amount * 100)
        parts = [cents * 45 // 100, cents * 30 // 100] + ([cents * 15 // 100] if i % 2 else [])
        for k, part in enumerate(parts):
            day = first + timedelta(days=(i + 3 * k) % 9)
            at = f"{day:%Y-%m-%d} {9 + (i + k) % 9:02d}:{(7 * i + 13 * k) % 60:02d}:00"
            amount = f"{part // 100},{part % 100:02d}"
            shop = shops[(i + k) % 3]
            lines.append(f"{txn}{n:06d};{e.card.serial};{shop};{at};{amount};food")
            n += 1
    planted_day = today - timedelta(days=4)
    first_card = lines[1].split(";")[1]
    lines.append(f"{txn}{n:06d};{first_card};{shops[3]};{planted_day} 17:40:00;420,00;food")
    lines.append(f"{txn}{n + 1:06d};{lost_serial};{shops[0]};{planted_day} 11:15:00;260,00;food")
    return ("\n".join(lines) + "\n").encode()


def _monitor(officer, head, tr, programme, cycle, homes, today):
    monitoring.draw_sample(officer, cycle, seed=2026)
    answers = [
        (["food", "rent"], ["none"], "yes", "5", "The card helped us pay the rent on time."),
        (["food", "utilities", "health"], ["prices_raised"], "yes", "3", "One shop charged more."),
        (["food", "clothing"], ["none"], "yes", "4", ""),
    ]
    answers = [
        dict(
            zip(
                ("spent_on", "problems", "received_full", "satisfaction", "feedback"),
                a,
                strict=True,
            )
        )
        for a in answers
    ]
    for response, given in zip(
        PdmResponse.objects.filter(cycle=cycle).order_by("pk"), answers, strict=False
    ):
        monitoring.record_pdm(officer, response, answers=given)
    for days, hours, channel, category, text, answer in (
        (
            9,
            20,
            "hotline",
            "card_problem",
            "The PIN of our card does not work at the market.",
            "PIN reset with the provider; the family bought food the same day.",
        ),
        (3, None, "help_desk", "vendor", "A shop adds 10% to prices for card holders.", None),
        (
            2,
            None,
            "hotline",
            "misconduct",
            "A volunteer asked for money to put us on the list.",
            None,
        ),
    ):
        complaint = Complaint(
            mission=tr,
            programme=programme,
            household=homes["widow-5"] if category == "card_problem" else None,
            channel=channel,
            category=category,
            text=text,
            received_at=moment(today - timedelta(days=days), 11),
        )
        monitoring.log_complaint(officer if category != "misconduct" else head, complaint)
        if answer:
            monitoring.answer_complaint(
                officer,
                complaint,
                response=answer,
                close=True,
                at=complaint.received_at + timedelta(hours=hours),
            )


def _kits(officer, head, tr, site, project, adana, homes, today):
    programme = services.save_programme(
        officer,
        Programme(
            mission=tr,
            code="HYG-ADANA",
            name="Hygiene kits, Adana",
            modality=Programme.Modality.IN_KIND,
            kit="hygiene_kit",
            project=project,
            budget="60000.00",
            criteria=[
                {"code": "child_under_five", "weight": 2},
                {"code": "household_size", "weight": 1, "threshold": 4},
                {"code": "female_headed", "weight": 1},
            ],
            cutoff=2,
            transfer_values={"by_size": {"1": "850.00"}},
            status=Programme.Status.ACTIVE,
        ),
        provinces=[adana],
    )
    run = _target(officer, head, programme, homes, [])
    day = today - timedelta(days=3)
    cycle = services.create_cycle(
        officer, run, starts_on=day - timedelta(days=7), ends_on=day + timedelta(days=30)
    )
    services.advance_cycle(head, cycle)
    warehouse = inkind.add_warehouse(
        officer, Warehouse(mission=tr, name="Adana warehouse (Yüreğir)", location=site.parent)
    )
    wanted = cycle.entitlements.count() + 10
    for item, n in inkind.kits()["hygiene_kit"]["contents"].items():
        inkind.move_stock(
            officer,
            warehouse,
            item=item,
            quantity=n * wanted,
            reason="received",
            note="Delivery note ADN-2026-118",
        )
    inkind.move_stock(
        officer,
        warehouse,
        item="shampoo",
        quantity=-3,
        reason="loss",
        note="Bottles broken in transport",
    )
    distribution = inkind.plan_distribution(officer, cycle, site=site, warehouse=warehouse, day=day)
    lines = list(distribution.lines.select_related("household").order_by("household_id"))
    for n, line in enumerate(lines[:-2]):  # two households did not come
        at = moment(day, 10) + timedelta(minutes=4 * n)
        if n == 1:
            inkind.record_receipt(
                officer,
                line,
                receiver="proxy",
                proxy_name="Leyla Demir",
                proxy_document="Neighbour, ID 3xxxxxxx12",
                confirmation="signature",
                at=at,
            )
        else:
            inkind.record_receipt(
                officer,
                line,
                receiver="recipient",
                person=_head_of(line.household),
                confirmation="thumbprint" if n % 3 == 2 else "signature",
                at=at,
            )
