"""The quarterly report as a page, a PDF and a workbook: who may open it, what it shows,
and every download audited (issue 5, item 1)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import make_user, mission
from kopru.reporting import report
from kopru.services.services import record_service
from kopru.services.tests.test_record import a_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def me_murat(db):
    return make_user("me_murat", "me_officer", missions=("TR",))


@pytest.fixture
def served(clerk_zeynep, amina, twenty, haliliye_centre):
    """Amina served twice in a quarter that has ended, and a group session with a headcount."""
    period = report.last_quarter()
    at = timezone.make_aware(timezone.datetime.combine(period.start, timezone.datetime.min.time()))
    at += timedelta(days=3, hours=10)
    for _ in range(2):
        record_service(
            clerk_zeynep,
            mission("TR"),
            service_type=a_service("general", "person"),
            person=amina,
            at=at,
            location=haliliye_centre,
            modality="centre",
        )
    record_service(
        clerk_zeynep,
        mission("TR"),
        service_type=a_service("general", "group"),
        participants=twenty[:4],
        headcounts=[{"sex": "female", "age_band": "18-59", "disability": False, "count": 9}],
        at=at,
        location=haliliye_centre,
        modality="centre",
    )
    return period


def test_an_me_officer_reads_the_last_quarter_and_a_clerk_may_not(
    login, me_murat, clerk_zeynep, served
):
    page = login(me_murat).get("/reports/quarterly/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="people-reached">14<' in html  # 5 registered + 9 counted
    assert 'id="services-delivered">3<' in html
    assert 'id="provinces-covered">1<' in html
    assert "Şanlıurfa" in html and "<path" in html  # the province table and the map
    assert "Data source:" in html
    assert login(clerk_zeynep).get("/reports/quarterly/").status_code == 403


def test_a_period_with_nothing_and_a_bad_period_are_said_plainly(login, me_murat, served):
    client = login(me_murat)
    empty = client.get("/reports/quarterly/", {"period": "year", "year": 2001})
    assert 'id="people-reached">0<' in empty.content.decode()
    assert "No services were recorded in this period." in empty.content.decode()
    bad = client.get(
        "/reports/quarterly/", {"period": "custom", "start": "2026-05-01", "end": "2026-04-01"}
    )
    assert "The period ends before it starts." in bad.content.decode()


def test_the_pdf_and_the_workbook_carry_the_same_figures_and_are_audited(login, me_murat, served):
    client = login(me_murat)
    pdf = client.get("/reports/quarterly.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get("/reports/quarterly.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row}
    assert summary["People reached"] == 14
    assert summary["Unique registered people"] == 5
    assert summary["Services"] == 3
    assert {"Sectors", "Provinces", "Sites", "Sex and age", "Disability"} <= set(book.sheetnames)
    exports = AuditEvent.objects.filter(object_type="export.quarterly_report", actor=me_murat)
    assert exports.count() == 2


@pytest.mark.parametrize("language", ["tr", "ar"])
def test_the_pdf_in_turkish_and_arabic_draws_the_map_and_the_charts(
    login, me_murat, served, language
):
    from django.template.loader import render_to_string
    from django.utils import translation

    from kopru.reporting.engine import Scope

    with translation.override(language):
        r = report.build(Scope(mission("TR"), served.start, served.end), served)
        html = render_to_string("reporting/quarterly_pdf.html", {"r": r, "rtl": language == "ar"})
    assert html.count("<path") == 81  # every province of Türkiye on the map
    assert 'class="chart chart-bars"' in html and 'class="chart chart-pyramid"' in html
    assert 'dir="rtl"' in html if language == "ar" else 'dir="ltr"' in html
    client = login(me_murat)
    client.cookies["django_language"] = language
    pdf = client.get("/reports/quarterly.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_programme_panel_shows_its_figures_and_a_shared_report_hides_the_few(
    login, me_murat, served, monkeypatch
):
    """Programme apps add figures that are not counts (a training's test improvement); a
    figure resting on fewer people than the threshold is left out of a shared report."""

    def trainings(scope, period):
        return report.Panel(
            "Trainings for government agencies",
            [
                report.PanelRow("Mean improvement", "+24 points", people=40),
                report.PanelRow("Share improved", "2 of 3", people=3),
            ],
        )

    monkeypatch.setattr(report, "PANELS", [trainings, lambda scope, period: None])
    client = login(me_murat)
    inside = client.get("/reports/quarterly/").content.decode()
    assert "Trainings for government agencies" in inside
    assert "+24 points" in inside and "2 of 3" in inside
    shared = client.get("/reports/quarterly/", {"shared": "on"}).content.decode()
    assert "+24 points" in shared and "2 of 3" not in shared
    book = load_workbook(io.BytesIO(client.get("/reports/quarterly.xlsx").content))
    rows = list(book["Programme figures"].values)
    assert ("Trainings for government agencies", "Share improved", "2 of 3") in rows
