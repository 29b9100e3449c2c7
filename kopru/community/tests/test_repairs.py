"""Home repairs: the bill of quantities, the inspections, and completion (after a passed
inspection, with the household living there) recording the household's home repair."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kopru.community import repairs
from kopru.community.models import Inspection
from kopru.services.models import ServiceEvent

from .conftest import image


@pytest.fixture
def repair(shelter_burak, dwelling):
    found = repairs.open_repair(
        shelter_burak, dwelling, works=["wall_insulation", "painting"], contractor="Yapı Ltd."
    )
    repairs.add_boq_line(
        shelter_burak, found, item="EPS insulation", unit="m2", quantity="86,5", unit_price="420"
    )
    repairs.add_boq_line(
        shelter_burak, found, item="Paint", unit="m2", quantity="210", unit_price="95,50"
    )
    return found


def test_the_bill_of_quantities_adds_up(repair):
    assert repairs.boq_total(repair) == Decimal("36330.00") + Decimal("20055.00")


def test_a_bad_line_is_refused_naming_its_fields(shelter_burak, repair):
    with pytest.raises(ValidationError) as refused:
        repairs.add_boq_line(
            shelter_burak, repair, item="", unit="barrel", quantity="-1", unit_price="abc"
        )
    assert set(refused.value.message_dict) == {"item", "unit", "quantity", "unit_price"}
    assert repair.boq.count() == 2


def test_the_after_inspection_comes_after_the_before_one(shelter_burak, repair, today):
    with pytest.raises(ValidationError) as refused:
        repairs.inspect(
            shelter_burak, repair, kind="after", on=today, inspector="Burak", passed=True
        )
    assert refused.value.message_dict["kind"] == ["Record the before inspection first."]
    repairs.inspect(
        shelter_burak, repair, kind="before", on=today - dt.timedelta(days=30),
        inspector="Burak", findings="Damp walls", photos=[image("JPEG")],
    )  # fmt: skip
    with pytest.raises(ValidationError) as no_defects:
        repairs.inspect(
            shelter_burak, repair, kind="after", on=today, inspector="Burak", passed=False
        )
    assert "defects" in no_defects.value.message_dict
    assert Inspection.objects.get().photos.count() == 1


def _inspected(actor, repair, today, passed=True):
    repairs.inspect(
        actor, repair, kind="before", on=today - dt.timedelta(days=30), inspector="Burak",
        findings="Damp walls",
    )  # fmt: skip
    repairs.inspect(
        actor, repair, kind="after", on=today - dt.timedelta(days=2), inspector="Burak",
        passed=passed, defects="" if passed else "Paint peeling in the kitchen",
    )  # fmt: skip


def test_completion_waits_for_a_passed_inspection_and_the_household_in(
    shelter_burak, repair, today
):
    _inspected(shelter_burak, repair, today, passed=False)
    with pytest.raises(ValidationError) as failed:
        repairs.complete_repair(shelter_burak, repair, completed_on=today)
    assert failed.value.message_dict["repair"] == ["The works have not passed an after inspection."]
    repairs.inspect(
        shelter_burak, repair, kind="after", on=today - dt.timedelta(days=1), inspector="Burak",
        passed=True,
    )  # fmt: skip
    with pytest.raises(ValidationError) as not_in:
        repairs.complete_repair(shelter_burak, repair, completed_on=today)
    assert not_in.value.message_dict["repair"] == ["Confirm that the household lives in the home."]
    assert ServiceEvent.objects.count() == 0


def test_a_completed_repair_is_the_households_home_repair(shelter_burak, repair, today, family):
    _inspected(shelter_burak, repair, today)
    repairs.confirm_moved_in(shelter_burak, repair, on=today - dt.timedelta(days=1))
    repairs.complete_repair(shelter_burak, repair, completed_on=today)
    event = ServiceEvent.objects.get()
    assert (event.service_type.code, event.household, repair.event) == (
        "home_repair",
        family,
        event,
    )
    with pytest.raises(ValidationError):
        repairs.add_boq_line(
            shelter_burak, repair, item="More", unit="m2", quantity="1", unit_price="1"
        )


def test_one_repair_under_way_per_dwelling(shelter_burak, repair, dwelling):
    with pytest.raises(ValidationError) as refused:
        repairs.open_repair(shelter_burak, dwelling, works=["roof"], contractor="Other")
    assert "under way" in refused.value.message_dict["works"][0]


def test_another_provinces_engineer_is_refused(shelter_selma, repair):
    with pytest.raises(PermissionDenied):
        repairs.add_boq_line(
            shelter_selma, repair, item="Paint", unit="m2", quantity="1", unit_price="1"
        )
