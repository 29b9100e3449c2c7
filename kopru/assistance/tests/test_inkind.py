"""Kits handed out in kind: a warehouse's stock is the sum of its moves and never goes below
zero, a distribution list gathers the cycle's households around one site once, and each kit
handed over (to the household's recipient, another member or a named proxy) takes the kit's
items out of the warehouse and is a service to the household, or changes nothing at all."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from kopru.assistance import inkind, services
from kopru.assistance.models import Distribution, Programme, Receipt, StockMove, Warehouse
from kopru.core.models import Donor, Project
from kopru.core.tests.factories import district, location, mission
from kopru.services.models import ServiceEvent

from .conftest import household
from .test_cards import _head

pytestmark = pytest.mark.django_db

# What a hygiene kit holds, read from the data file the logistics unit edits.
KITS = json.loads(
    (Path(inkind.__file__).resolve().parent / "data" / "kits.json").read_text(encoding="utf-8")
)
HYGIENE = next(k for k in KITS["kits"] if k["code"] == "hygiene_kit")["contents"]
DAY = date(2026, 12, 5)


@pytest.fixture
def kit_programme(cash_canan):
    project = Project.objects.create(
        mission=mission("TR"),
        code="HYG-T",
        name="Hygiene kits",
        donor=Donor.objects.get_or_create(name="ECHO")[0],
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    return services.save_programme(
        cash_canan,
        Programme(
            mission=mission("TR"),
            code="HYG-URFA",
            name="Hygiene kits, Şanlıurfa",
            modality="in_kind",
            kit="hygiene_kit",
            project=project,
            budget="10000.00",
            criteria=[{"code": "female_headed", "weight": 1}],
            cutoff=1,
            transfer_values={"by_size": {"1": "850.00"}},
        ),
        provinces=[location("TR63")],
    )


@pytest.fixture
def far_away(clerk_zeynep):
    """A woman alone in Siverek, far from the Haliliye centre."""
    return household(
        clerk_zeynep, district("TR63", "Siverek"), [], given_name="Hatice", sex="female"
    )


@pytest.fixture
def kit_cycle(kit_programme, homes, far_away, cash_canan, head_kemal):
    """The widow and the woman in Siverek by their score, the couple by the officer."""
    run = services.run_targeting(cash_canan, kit_programme)
    couple = run.candidates.get(household=homes["couple"])
    services.decide(cash_canan, couple, include=True, reason="Flooded flat")
    services.approve_run(head_kemal, run)
    cycle = services.create_cycle(
        cash_canan, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )
    services.advance_cycle(head_kemal, cycle)
    return cycle


@pytest.fixture
def depot(cash_canan):
    return inkind.add_warehouse(
        cash_canan,
        Warehouse(
            mission=mission("TR"), name="Haliliye depot", location=district("TR63", "Haliliye")
        ),
    )


def stock_up(officer, warehouse, kits, **fewer):
    """Receive enough of every item for `kits` kits, less what `fewer` says."""
    for item, n in HYGIENE.items():
        inkind.move_stock(
            officer,
            warehouse,
            item=item,
            quantity=n * kits - fewer.get(item, 0),
            reason="received",
        )


@pytest.fixture
def planned(kit_cycle, depot, haliliye_centre, cash_canan):
    return inkind.plan_distribution(
        cash_canan, kit_cycle, site=haliliye_centre, warehouse=depot, day=DAY
    )


def test_a_list_gathers_the_households_around_its_site_once(
    kit_cycle, depot, haliliye_centre, homes, far_away, cash_canan
):
    distribution = inkind.plan_distribution(
        cash_canan, kit_cycle, site=haliliye_centre, warehouse=depot, day=DAY
    )
    listed = set(distribution.lines.values_list("household", flat=True))
    assert listed == {homes["widow"].pk, homes["couple"].pk}  # not the one in Siverek
    assert distribution.kit == "hygiene_kit"
    with pytest.raises(ValidationError) as exc:
        inkind.plan_distribution(
            cash_canan, kit_cycle, site=haliliye_centre, warehouse=depot, day=date(2026, 12, 6)
        )
    assert "site" in exc.value.message_dict
    assert Distribution.objects.count() == 1
    siverek = inkind.plan_distribution(
        cash_canan, kit_cycle, site=district("TR63", "Siverek"), warehouse=depot, day=DAY
    )
    assert list(siverek.lines.values_list("household", flat=True)) == [far_away.pk]


def test_a_list_needs_an_approved_in_kind_cycle_and_a_day_within_it(
    kit_cycle, depot, haliliye_centre, cash_canan, programme, homes, head_kemal
):
    with pytest.raises(ValidationError) as exc:
        inkind.plan_distribution(
            cash_canan, kit_cycle, site=haliliye_centre, warehouse=depot, day=date(2027, 1, 4)
        )
    assert "day" in exc.value.message_dict
    run = services.run_targeting(cash_canan, programme)
    services.approve_run(head_kemal, run)
    cash = services.create_cycle(
        cash_canan, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )
    services.advance_cycle(head_kemal, cash)
    with pytest.raises(ValidationError) as exc:
        inkind.plan_distribution(cash_canan, cash, site=haliliye_centre, warehouse=depot, day=DAY)
    assert "cycle" in exc.value.message_dict
    assert not Receipt.objects.exists()


def test_a_kit_taken_by_the_head_leaves_the_warehouse_and_serves_the_household(
    planned, depot, kit_cycle, homes, haliliye_centre, cash_canan
):
    stock_up(cash_canan, depot, kits=3)
    before = inkind.stock(depot)
    events = ServiceEvent.objects.count()
    line = planned.lines.get(household=homes["widow"])
    inkind.record_receipt(
        cash_canan,
        line,
        receiver="recipient",
        person=_head(homes["widow"]),
        confirmation="thumbprint",
    )
    after = inkind.stock(depot)
    assert {item: before[item] - after.get(item, 0) for item in before} == HYGIENE
    assert inkind.kits_in_stock(depot, "hygiene_kit") == 2
    assert ServiceEvent.objects.count() == events + 1
    line = Receipt.objects.get(pk=line.pk)
    assert line.received_at and line.person == _head(homes["widow"])
    event = line.event
    assert event.service_type.code == "hygiene_kit_distribution"
    assert (event.household, event.location) == (homes["widow"], haliliye_centre)
    widow = kit_cycle.entitlements.get(household=homes["widow"])
    assert widow.loaded_at is not None and widow.event_id == event.pk
    couple = kit_cycle.entitlements.get(household=homes["couple"])
    assert couple.loaded_at is None


def test_a_proxy_is_named_with_a_document_and_no_stranger_takes_a_kit(
    planned, depot, homes, cash_canan
):
    stock_up(cash_canan, depot, kits=2)
    widow_line = planned.lines.get(household=homes["widow"])
    moves, events = StockMove.objects.count(), ServiceEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        inkind.record_receipt(
            cash_canan,
            widow_line,
            receiver="proxy",
            proxy_name="Fatma Demir",
            confirmation="signature",
        )
    assert "proxy_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a neighbour is not a member
        inkind.record_receipt(
            cash_canan,
            widow_line,
            receiver="member",
            person=_head(homes["couple"]),
            confirmation="signature",
        )
    assert "person" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        inkind.record_receipt(cash_canan, widow_line, receiver="member", confirmation="signature")
    assert "person" in exc.value.message_dict
    assert (StockMove.objects.count(), ServiceEvent.objects.count()) == (moves, events)
    assert Receipt.objects.get(pk=widow_line.pk).received_at is None

    inkind.record_receipt(
        cash_canan,
        widow_line,
        receiver="proxy",
        proxy_name="Fatma Demir",
        proxy_document="TR-ID 12345678901",
        confirmation="signature",
    )
    line = Receipt.objects.get(pk=widow_line.pk)
    assert (line.receiver, line.person, line.proxy_name, line.proxy_document) == (
        "proxy",
        None,
        "Fatma Demir",
        "TR-ID 12345678901",
    )
    mariam = homes["couple"].memberships.get(relationship="spouse").person
    couple_line = planned.lines.get(household=homes["couple"])
    inkind.record_receipt(
        cash_canan, couple_line, receiver="member", person=mariam, confirmation="thumbprint"
    )
    assert Receipt.objects.get(pk=couple_line.pk).person == mariam
    assert inkind.kits_in_stock(depot, "hygiene_kit") == 0


def test_a_line_is_received_once_and_not_after_the_distribution_closes(
    planned, depot, homes, cash_canan
):
    stock_up(cash_canan, depot, kits=3)
    line = planned.lines.get(household=homes["widow"])
    head = _head(homes["widow"])
    inkind.record_receipt(
        cash_canan, line, receiver="recipient", person=head, confirmation="signature"
    )
    before, events = inkind.stock(depot), ServiceEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        inkind.record_receipt(
            cash_canan,
            Receipt.objects.get(pk=line.pk),
            receiver="recipient",
            person=head,
            confirmation="signature",
        )
    assert "receipt" in exc.value.message_dict
    assert (inkind.stock(depot), ServiceEvent.objects.count()) == (before, events)

    inkind.close_distribution(cash_canan, planned)
    with pytest.raises(ValidationError) as exc:
        inkind.record_receipt(
            cash_canan,
            planned.lines.get(household=homes["couple"]),
            receiver="recipient",
            person=_head(homes["couple"]),
            confirmation="signature",
        )
    assert "receipt" in exc.value.message_dict
    assert inkind.stock(depot) == before


def test_two_clerks_recording_the_same_line_at_once_take_one_kit_out(
    planned, depot, homes, cash_canan
):
    """Two desks at the distribution open the same line; each request reads it before the
    other has written. The second must be refused, not take a second kit's items out."""
    stock_up(cash_canan, depot, kits=3)
    line = planned.lines.get(household=homes["widow"])
    first, second = Receipt.objects.get(pk=line.pk), Receipt.objects.get(pk=line.pk)
    head = _head(homes["widow"])
    inkind.record_receipt(
        cash_canan, first, receiver="recipient", person=head, confirmation="signature"
    )
    before = inkind.stock(depot)
    with pytest.raises(ValidationError):
        inkind.record_receipt(
            cash_canan, second, receiver="recipient", person=head, confirmation="signature"
        )
    assert inkind.stock(depot) == before
    assert StockMove.objects.filter(reason="distributed").count() == len(HYGIENE)


def test_a_short_warehouse_refuses_the_kit_and_nothing_changes(
    planned, depot, kit_cycle, homes, cash_canan
):
    stock_up(cash_canan, depot, kits=1, diapers=1)  # one pack of diapers short
    before, events = inkind.stock(depot), ServiceEvent.objects.count()
    line = planned.lines.get(household=homes["widow"])
    head = _head(homes["widow"])
    with pytest.raises(ValidationError) as exc:
        inkind.record_receipt(
            cash_canan, line, receiver="recipient", person=head, confirmation="thumbprint"
        )
    assert "Baby diapers" in " ".join(exc.value.message_dict["receipt"])
    assert inkind.stock(depot) == before
    assert ServiceEvent.objects.count() == events
    line = Receipt.objects.get(pk=line.pk)
    assert (line.received_at, line.receiver, line.event) == (None, "", None)
    assert kit_cycle.entitlements.get(household=homes["widow"]).loaded_at is None

    inkind.move_stock(cash_canan, depot, item="diapers", quantity=1, reason="received")
    inkind.record_receipt(
        cash_canan, line, receiver="recipient", person=head, confirmation="thumbprint"
    )
    assert inkind.stock(depot) == {}


def test_stock_never_goes_below_zero_and_a_loss_is_explained(depot, cash_canan):
    inkind.move_stock(cash_canan, depot, item="soap_bar", quantity=5, reason="received")
    with pytest.raises(ValidationError) as exc:
        inkind.move_stock(
            cash_canan, depot, item="soap_bar", quantity=-6, reason="loss", note="Water damage"
        )
    assert "quantity" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        inkind.move_stock(cash_canan, depot, item="soap_bar", quantity=-2, reason="loss")
    assert exc.value.message_dict["note"] == ["Say what happened."]
    with pytest.raises(ValidationError) as exc:  # only a receipt distributes
        inkind.move_stock(
            cash_canan, depot, item="soap_bar", quantity=-2, reason="distributed", note="x"
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        inkind.move_stock(cash_canan, depot, item="chocolate", quantity=0, reason="received")
    assert {"item", "quantity"} <= set(exc.value.message_dict)
    assert inkind.stock(depot) == {"soap_bar": 5}

    inkind.move_stock(
        cash_canan, depot, item="soap_bar", quantity=-2, reason="loss", note="Water damage"
    )
    assert inkind.stock(depot) == {"soap_bar": 3}
    inkind.move_stock(
        cash_canan, depot, item="soap_bar", quantity=-3, reason="count", note="Shelf count"
    )
    assert inkind.stock(depot).get("soap_bar", 0) == 0
    assert StockMove.objects.filter(warehouse=depot).count() == 3


def test_items_going_out_are_never_recorded_as_received(depot, cash_canan):
    """Taking items out says why (lost, counted, transferred) with a note; "received" with a
    negative quantity would empty the shelf with no word of what happened."""
    inkind.move_stock(cash_canan, depot, item="soap_bar", quantity=5, reason="received")
    with pytest.raises(ValidationError):
        inkind.move_stock(cash_canan, depot, item="soap_bar", quantity=-5, reason="received")
    assert inkind.stock(depot) == {"soap_bar": 5}
