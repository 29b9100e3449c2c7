"""Redemptions from the provider and the cycle's reconciliation: the file goes in whole or not
at all, the four anomalies are flagged, and loaded = redeemed + outstanding to the kuruş."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kopru.assistance import cards, redemptions
from kopru.assistance.models import Anomaly, Card, Redemption, Vendor
from kopru.core.tests.factories import district

from .test_cards import _confirmation, _in_hand, cycle  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(programme, homes, cash_canan, head_kemal, cycle):  # noqa: F811
    _in_hand(cash_canan, programme, homes)
    cards.load_file(cash_canan, cycle)
    rows = [
        [e.card.serial, f"{e.amount:.2f}".replace(".", ","), "OK"]
        for e in cycle.entitlements.select_related("card")
    ]
    cards.import_confirmation(cash_canan, cycle, _confirmation(rows))
    from kopru.assistance import services

    services.advance_cycle(cash_canan, cycle)  # approved -> loaded
    haliliye = district("TR63", "Haliliye")
    market = redemptions.save_vendor(
        cash_canan,
        Vendor(
            mission=programme.mission,
            code="M100",
            name="Haliliye market",
            location=haliliye,
            categories=["food", "hygiene"],
        ),
    )
    redemptions.contract(
        cash_canan, market, programme, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    redemptions.save_vendor(
        cash_canan,
        Vendor(
            mission=programme.mission,
            code="M200",
            name="Corner shop",
            location=haliliye,
            categories=["food"],
        ),
    )
    return cycle


def _file(rows):
    head = "TXN_ID;CARD_NO;MERCHANT_ID;TXN_TIME;AMOUNT;CATEGORY\n"
    return (head + "\n".join(";".join(r) for r in rows) + "\n").encode()


def test_a_bad_redemption_file_is_refused_whole_with_every_line(loaded, cash_canan):
    bad = _file(
        [
            ["T1", "C1001", "M100", "2026-12-03 10:00:00", "100,00", "food"],
            ["T1", "C1001", "M100", "2026-12-03 10:05:00", "50,00", "food"],  # repeated txn
            ["T3", "X999", "M100", "2026-12-03 10:00:00", "10,00", "food"],  # unknown card
            ["T4", "C1001", "M100", "yesterday", "10,00", "food"],
            ["T5", "C1001", "M100", "2026-12-03 10:00:00", "-5,00", "food"],
        ]
    )
    with pytest.raises(ValidationError) as exc:
        redemptions.import_redemptions(cash_canan, loaded, bad)
    errors = exc.value.message_dict["file"]
    assert len(errors) == 4
    assert [e.split(":")[0] for e in errors] == ["Line 3", "Line 4", "Line 5", "Line 6"]
    assert not Redemption.objects.exists()


def test_reconciliation_balances_and_flags_the_four_anomalies(programme, homes, loaded, cash_canan):
    widow = loaded.entitlements.get(household=homes["widow"])
    couple = loaded.entitlements.get(household=homes["couple"])
    beyond = f"{widow.amount - 999:.2f}".replace(".", ",")
    rows = [
        ["T1", "C1001", "M100", "2026-12-03 10:00:00", "1000,00", "food"],
        ["T2", "C1002", "M200", "2026-12-03 11:00:00", "300,50", "food"],  # not contracted
        # the widow spends more than was loaded
        ["T3", "C1001", "M100", "2026-12-04 09:00:00", beyond, "food"],
    ]
    result = redemptions.import_redemptions(cash_canan, loaded, _file(rows), name="dec.csv")
    assert (result["imported"], result["skipped"]) == (3, 0)
    summary = result["reconciliation"]
    loaded_total = widow.amount + couple.amount
    assert summary.loaded == loaded_total
    assert summary.redeemed == Decimal("1000.00") + Decimal("300.50") + widow.amount - 999
    assert summary.loaded == summary.redeemed + summary.outstanding
    kinds = dict(Anomaly.objects.values_list("redemption__transaction", "kind"))
    assert kinds == {"T2": "not_contracted", "T3": "over_entitlement"}

    # The couple's card is blocked on 10 December, then used.
    card = Card.objects.get(serial="C1002")
    cards.block_card(cash_canan, card, reason="Reported stolen")
    Card.objects.filter(pk=card.pk).update(blocked_at=datetime(2026, 12, 10, tzinfo=UTC))
    later = _file([["T9", "C1002", "M100", "2026-12-11 10:00:00", "10,00", "food"]])
    redemptions.import_redemptions(cash_canan, loaded, later)
    assert Anomaly.objects.filter(kind="after_block").count() == 1
    assert redemptions.import_redemptions(cash_canan, loaded, later)["already"] is True
    assert Redemption.objects.count() == 4


def test_many_cards_at_one_till_within_minutes_is_one_burst(programme, loaded, cash_canan):
    cards.receive_cards(cash_canan, programme, ["C2001", "C2002", "C2003"])
    serials = ["C1001", "C1002", "C2001", "C2002", "C2003"]
    rows = [
        [f"B{n}", serial, "M100", f"2026-12-05 14:0{n}:00", "20,00", "food"]
        for n, serial in enumerate(serials)
    ]
    rows.append(["B9", "C1001", "M100", "2026-12-05 14:08:00", "20,00", "food"])
    rows.append(["B10", "C1002", "M100", "2026-12-05 18:00:00", "20,00", "food"])
    redemptions.import_redemptions(cash_canan, loaded, _file(rows))
    bursts = Anomaly.objects.filter(kind="burst")
    assert [a.redemption.transaction for a in bursts] == ["B4"]
    assert bursts[0].details["cards"] == 5
    summary = loaded.reconciliation
    assert summary.anomalies["burst"] == 1 and summary.anomalies["over_entitlement"] == 3
    assert summary.loaded == summary.redeemed + summary.outstanding
    market = summary.vendors[0]
    assert (market["merchant"], market["transactions"], market["cards"]) == ("M100", 7, 5)
