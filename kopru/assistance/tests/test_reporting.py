"""Each card load and each kit handed over is a service to the household, so the quarterly
report's Basic needs line counts the households and their members side by side."""

from datetime import timedelta

from django.utils import timezone

from kopru.assistance import cards, inkind, services
from kopru.core.tests.factories import mission
from kopru.reporting import report
from kopru.reporting.engine import Scope
from kopru.services.models import Sector

from .test_cards import _confirmation, _in_hand, cycle  # noqa: F401  (the fixture)


def _basic_needs(day):
    period = report.Period("custom", day - timedelta(days=1), day + timedelta(days=1))
    built = report.build(Scope(mission("TR"), period.start, period.end), period)
    codes = {str(s): s.code for s in Sector.objects.filter(mission=mission("TR"))}
    lines = {codes[line.name]: line for line in built.sectors}
    return lines.get("basic_needs")


def test_loaded_cards_count_households_and_their_people(programme, homes, cash_canan, cycle):  # noqa: F811
    today = timezone.localdate()
    assert _basic_needs(today) is None or _basic_needs(today).households == 0
    _in_hand(cash_canan, programme, homes)
    cards.load_file(cash_canan, cycle)
    rows = [
        [e.card.serial, f"{e.amount:.2f}".replace(".", ","), "OK"]
        for e in cycle.entitlements.select_related("card")
    ]
    cards.import_confirmation(cash_canan, cycle, _confirmation(rows))
    line = _basic_needs(today)
    # The widow and her four children, the couple and their son: 2 households, 8 people.
    assert (line.households, line.unique, line.services) == (2, 8, 2)


def test_a_kit_handed_over_counts_and_one_not_collected_does_not(
    programme, homes, cash_canan, head_kemal, haliliye_centre
):
    from kopru.assistance.models import Programme, Warehouse

    kits = services.save_programme(
        cash_canan,
        Programme(
            mission=programme.mission,
            code="HYG-URFA",
            name="Hygiene kits",
            modality="in_kind",
            kit="hygiene_kit",
            project=programme.project,
            budget="10000.00",
            criteria=[{"code": "household_size", "weight": 1, "threshold": 1}],
            cutoff=1,
            transfer_values={"by_size": {"1": "850.00"}},
        ),
        provinces=list(programme.provinces.all()),
    )
    run = services.run_targeting(cash_canan, kits)
    services.approve_run(head_kemal, run)
    today = timezone.localdate()
    kit_cycle = services.create_cycle(
        cash_canan, run, starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=9)
    )
    services.advance_cycle(head_kemal, kit_cycle)
    store = inkind.add_warehouse(
        cash_canan,
        Warehouse(mission=programme.mission, name="Urfa store", location=haliliye_centre.parent),
    )
    for item, n in inkind.kits()["hygiene_kit"]["contents"].items():
        inkind.move_stock(cash_canan, store, item=item, quantity=n * 3, reason="received")
    listed = inkind.plan_distribution(
        cash_canan, kit_cycle, site=haliliye_centre, warehouse=store, day=today
    )
    alone = listed.lines.get(household=homes["alone"])
    head = alone.household.memberships.get(relationship="head").person
    inkind.record_receipt(
        cash_canan, alone, receiver="recipient", person=head, confirmation="signature"
    )
    line = _basic_needs(today)
    assert (line.households, line.unique, line.services) == (1, 1, 1)
