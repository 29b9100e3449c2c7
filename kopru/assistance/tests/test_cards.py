"""Cards from stock to hand, the load file in the provider's layout, and the provider's
confirmation imported back: all or nothing, every refusal reported, twice is once."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kopru.assistance import cards, services
from kopru.assistance.models import Card, Entitlement, ProviderFile
from kopru.services.models import ServiceEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(programme, homes, cash_canan, head_kemal):
    run = services.run_targeting(cash_canan, programme)
    couple = run.candidates.get(household=homes["couple"])
    services.decide(cash_canan, couple, include=True, reason="Husband injured")
    services.approve_run(head_kemal, run)
    cycle = services.create_cycle(
        cash_canan, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )
    services.advance_cycle(head_kemal, cycle)
    return cycle


def _head(home):
    return home.memberships.get(relationship="head").person


def _in_hand(officer, programme, homes):
    cards.receive_cards(officer, programme, ["C1001", "C1002", "C1003"])
    for serial, key in (("C1001", "widow"), ("C1002", "couple")):
        card = Card.objects.get(serial=serial)
        cards.assign_card(officer, card, homes[key])
        cards.hand_over(officer, card, recipient=_head(homes[key]), confirmation="thumbprint")


def test_stock_is_taken_whole_or_not_at_all(programme, cash_canan):
    cards.receive_cards(cash_canan, programme, ["A1", "A2"])
    with pytest.raises(ValidationError) as exc:
        cards.receive_cards(cash_canan, programme, ["A3", "A3", "A2", "bad serial"])
    text = " ".join(exc.value.messages)
    assert "A3" in text and "A2" in text and "bad serial" in text
    assert Card.objects.count() == 2


def test_a_card_goes_only_to_a_listed_household_one_at_a_time(programme, homes, cash_canan, cycle):
    cards.receive_cards(cash_canan, programme, ["B1", "B2", "B3"])
    with pytest.raises(ValidationError) as exc:
        cards.assign_card(cash_canan, Card.objects.get(serial="B1"), homes["alone"])
    assert "household" in exc.value.message_dict
    cards.assign_card(cash_canan, Card.objects.get(serial="B1"), homes["widow"])
    with pytest.raises(ValidationError):
        cards.assign_card(cash_canan, Card.objects.get(serial="B2"), homes["widow"])
    with pytest.raises(ValidationError) as exc:  # a neighbour is not a member
        cards.hand_over(
            cash_canan,
            Card.objects.get(serial="B1"),
            recipient=_head(homes["couple"]),
            confirmation="signature",
        )
    assert "recipient" in exc.value.message_dict
    old = cards.block_card(cash_canan, Card.objects.get(serial="B1"), reason="Lost")
    new = cards.replace_card(cash_canan, old, Card.objects.get(serial="B3"))
    assert (new.household, new.status) == (homes["widow"], Card.Status.ASSIGNED)


def test_the_load_file_names_every_household_without_a_card_in_hand(
    programme, homes, cash_canan, cycle
):
    with pytest.raises(ValidationError) as exc:
        cards.load_file(cash_canan, cycle)
    message = exc.value.messages[0]
    assert homes["widow"].reference in message and homes["couple"].reference in message
    _in_hand(cash_canan, programme, homes)
    content, record = cards.load_file(cash_canan, cycle)
    lines = content.decode().splitlines()
    assert lines[0] == "CARD_NO;AMOUNT;CURRENCY;BENEFICIARY_REF;CYCLE"
    widow = cycle.entitlements.get(household=homes["widow"])
    assert f"C1001;{widow.amount:.2f}".replace(".", ",") in lines[1] + lines[2]
    assert record.rows == 2 and record.total == sum(e.amount for e in cycle.entitlements.all())


def _confirmation(rows):
    return ("CARD_NO;AMOUNT;STATUS\n" + "\n".join(";".join(r) for r in rows) + "\n").encode()


def test_a_confirmation_with_any_bad_row_is_refused_whole_with_every_reason(
    programme, homes, cash_canan, cycle
):
    _in_hand(cash_canan, programme, homes)
    cards.load_file(cash_canan, cycle)
    widow = cycle.entitlements.get(household=homes["widow"])
    amount = f"{widow.amount:.2f}".replace(".", ",")
    bad = _confirmation(
        [
            ["C1001", amount, "OK"],
            ["C1001", amount, "OK"],  # twice
            ["C9999", "10,00", "OK"],  # not in the load file
            ["C1002", "99999,00", "OK"],  # above the entitlement
            ["C1003", "abc", "OK"],
        ]
    )
    with pytest.raises(ValidationError) as exc:
        cards.import_confirmation(cash_canan, cycle, bad, name="bad.csv")
    errors = exc.value.message_dict["file"]
    assert len(errors) == 4
    assert any("Line 3" in e for e in errors) and any("C9999" in e for e in errors)
    assert any("differs from the entitlement" in e for e in errors)
    assert not Entitlement.objects.filter(loaded_at__isnull=False).exists()
    assert not ProviderFile.objects.filter(kind="confirmation").exists()


def test_a_good_confirmation_loads_counts_as_a_service_and_twice_is_once(
    programme, homes, cash_canan, cycle
):
    _in_hand(cash_canan, programme, homes)
    cards.load_file(cash_canan, cycle)
    rows = [
        [e.card.serial, f"{e.amount:.2f}".replace(".", ","), "OK" if n == 0 else "FAILED"]
        for n, e in enumerate(cycle.entitlements.select_related("card").order_by("pk"))
    ]
    good = _confirmation(rows)
    before = ServiceEvent.objects.count()
    result = cards.import_confirmation(cash_canan, cycle, good)
    assert result == {"already": False, "loaded": 1, "failed": 1}
    event = ServiceEvent.objects.latest("pk")
    assert ServiceEvent.objects.count() == before + 1
    assert event.service_type.code == "multipurpose_cash" and event.household_id
    assert cards.import_confirmation(cash_canan, cycle, good)["already"] is True
    assert ServiceEvent.objects.count() == before + 1
