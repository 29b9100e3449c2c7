"""The quarterly report counts case management where the seeds' report does: the case under
Protection, health transport and medical support under Health, rent under Basic needs; and the
psychosocial teams' awareness sessions (registered and counted people) under Protection."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kopru.casework import services
from kopru.core.tests.factories import mission
from kopru.reporting import report
from kopru.reporting.engine import Scope
from kopru.services.models import Sector


def _sectors(day):
    period = report.Period("custom", day - timedelta(days=1), day + timedelta(days=1))
    built = report.build(Scope(mission("TR"), period.start, period.end), period)
    codes = {str(s): s.code for s in Sector.objects.filter(mission=mission("TR"))}
    return {codes[line.name]: line for line in built.sectors}


def _paid(case, worker, supervisor, cash, category, amount):
    need = services.request_need(
        worker, case, category=category, description="x", amount=amount, supplier="Supplier"
    )
    services.decide(supervisor, need.approval, approve=True)
    need.refresh_from_db()
    return services.mark_paid(cash, need, reference="EFT-1")


def test_a_case_and_its_paid_needs_count_in_their_sectors(
    ecm_case, caseworker_omer, supervisor_derya, cash_canan
):
    today = timezone.localdate()
    before = _sectors(today)
    assert before["protection"].unique == 1  # the case's opening
    assert "health" not in before or before["health"].unique == 0

    _paid(ecm_case, caseworker_omer, supervisor_derya, cash_canan, "health_transport", "450")
    _paid(ecm_case, caseworker_omer, supervisor_derya, cash_canan, "accommodation", "9000.00")
    after = _sectors(today)
    assert after["health"].unique == 1 and after["health"].services == 1
    assert after["basic_needs"].unique == 1 and after["basic_needs"].services == 1
    assert after["protection"].services == 1  # the case itself, counted once


def test_a_rejected_or_unpaid_need_counts_nowhere(
    ecm_case, caseworker_omer, supervisor_derya, cash_canan
):
    need = services.request_need(
        caseworker_omer,
        ecm_case,
        category="medical",
        description="x",
        amount=Decimal("100"),
        supplier="Pharmacy",
    )
    services.decide(supervisor_derya, need.approval, approve=True)
    sectors = _sectors(timezone.localdate())
    assert "health" not in sectors or sectors["health"].services == 0
