"""Exports for coordination (issue 5, items 5 and 6): the 5W table as CSV, HXL and XLSX, HXL
that libhxl validates, and small numbers hidden beyond recovery when shared."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import hxl
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kopru.core.models import AuditEvent
from kopru.core.tests.api_client import Api
from kopru.core.tests.factories import make_user, mission
from kopru.reporting import exports, report
from kopru.reporting.disclosure import TOTAL
from kopru.reporting.engine import Scope
from kopru.reporting.tests.test_disclosure import recover
from kopru.reporting.tests.test_projection import projects
from kopru.services.models import ServiceType
from kopru.services.services import record_service
from kopru.services.tests.test_record import a_service

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[1] / "data" / "hxl_schema.csv"


@pytest.fixture
def me_murat(db):
    return make_user("me_murat", "me_officer", missions=("TR",))


@pytest.fixture
def quarter(clerk_zeynep, amina, twenty, haliliye_centre):
    """Last quarter at the Haliliye centre: Amina twice (EU-1), a session of 12 registered
    people and 30 counted by head shared by EU-1 and EU-2, and 3 people with no project."""
    period = report.last_quarter()
    at = timezone.make_aware(timezone.datetime.combine(period.start, timezone.datetime.min.time()))
    at += timedelta(days=3, hours=10)
    first, second = projects()
    base = {"at": at, "location": haliliye_centre, "modality": "centre"}
    individual = individual_service()
    for _ in range(2):
        record_service(
            clerk_zeynep,
            mission("TR"),
            service_type=individual,
            person=amina,
            projects=[(first, 100)],
            **base,
        )
    record_service(
        clerk_zeynep,
        mission("TR"),
        service_type=a_service("general", "group"),
        participants=twenty[:12],
        headcounts=[
            {"sex": "female", "age_band": "18-59", "disability": False, "count": 27},
            {"sex": "male", "age_band": "12-17", "disability": False, "count": 3},
        ],
        projects=[(first, 50), (second, 50)],
        **base,
    )
    for someone in twenty[12:15]:
        record_service(clerk_zeynep, mission("TR"), service_type=individual, person=someone, **base)
    return period


def schema():
    """The shipped schema, read as rows (libhxl opens no local files by itself)."""
    with SCHEMA.open(encoding="utf-8") as f:
        return hxl.schema(list(csv.reader(f)))


def individual_service():
    """A general service given to one person only, so it is never the group session's."""
    return next(
        st
        for st in ServiceType.objects.filter(mission__code="TR", category="general")
        if "person" in st.subjects and "group" not in st.subjects
    )


def rows_of(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_5w_rows_count_people_once_per_activity_and_place(quarter):
    table = exports.build(Scope(mission("TR"), quarter.start, quarter.end), quarter)
    rows = {(r["project"].split(" ")[0], r["activity"]): r for r in table.rows}
    individual = str(individual_service())
    group = str(a_service("general", "group"))
    amina = rows[("EU-1", individual)]
    assert (amina["services"], amina["reached"], amina["registered"]) == (2, 1, 1)
    assert amina["female:18-59"] == 1
    assert (amina["adm1_code"], amina["adm2_name"]) == ("TR63", "Haliliye")
    # The shared session is in both projects' rows, in full.
    for code in ("EU-1", "EU-2"):
        session = rows[(code, group)]
        assert (session["registered"], session["headcount"], session["reached"]) == (12, 30, 42)
        assert session["male:12-17"] == 3
        assert session["group:not_recorded"] == 30
    assert rows[("", individual)]["reached"] == 3  # no project: a row of its own
    assert rows[("", individual)]["donor"] == ""


def test_the_hxl_export_passes_libhxl_validation(login, me_murat, quarter):
    response = login(me_murat).get(f"/reports/5w-hxl.csv?year={quarter.start.year}&period=year")
    assert response.status_code == 200
    rows = rows_of(response.content)
    assert rows[1][:4] == ["#org+impl", "#org+funding", "#meta+project", "#sector"]
    assert "#reached+ind+f+age18_59" in rows[1] and "#reached+ind+m+age12_17" in rows[1]
    errors = []
    valid = hxl.data(rows).validate(schema=schema(), callback=errors.append)
    assert valid and not errors, [str(e) for e in errors]

    # The schema does reject what it should: a negative count and a malformed P-code.
    broken = [list(r) for r in rows]
    broken[2][rows[1].index("#reached+ind")] = "-4"
    broken[2][rows[1].index("#adm1+code")] = "Sanliurfa"
    errors = []
    assert not hxl.data(broken).validate(schema=schema(), callback=errors.append)
    assert len(errors) == 2


def test_the_5w_workbook_and_csv_carry_the_same_rows_and_are_audited(login, me_murat, quarter):
    client = login(me_murat)
    query = f"year={quarter.start.year}&period=year"
    plain = rows_of(client.get(f"/reports/5w.csv?{query}").content)
    book = load_workbook(io.BytesIO(client.get(f"/reports/5w.xlsx?{query}").content))
    sheet = [[("" if v is None else str(v)) for v in row] for row in book["5W"].values]
    assert sheet[0] == plain[0] and sheet[1][0] == "#org+impl"
    assert sheet[2:] == plain[1:]
    assert "About" in book.sheetnames
    audits = AuditEvent.objects.filter(actor=me_murat, action=AuditEvent.Action.EXPORT)
    assert sorted(audits.values_list("object_type", flat=True)) == ["export.5w", "export.5w"]


def test_a_clerk_cannot_download_the_5w(login, clerk_zeynep, quarter):
    assert login(clerk_zeynep).get("/reports/5w.csv").status_code == 403


def test_a_shared_5w_hides_small_counts_beyond_recovery(login, me_murat, quarter):
    scope = Scope(mission("TR"), quarter.start, quarter.end)
    table = exports.build(scope, quarter, shared=True, threshold=5)
    rows = {(r["project"].split(" ")[0], r["activity"]): i for i, r in enumerate(table.rows)}
    amina = rows[("EU-1", str(individual_service()))]
    assert table.value(amina, "reached") is None  # one person
    session = rows[("EU-1", str(a_service("general", "group")))]
    assert table.value(session, "male:12-17") is None  # three boys
    assert table.value(session, "reached") == 42

    # An attacker with every published figure of each family (and the column totals the
    # shared report gives) cannot work out any hidden count.
    for family in exports._families():
        cells = {(i, k): r[k] for i, r in enumerate(table.rows) for k in family if r[k]}
        hidden = {(i, k) for (i, k) in table.hidden if k in family}
        hidden |= {(i, TOTAL) for (i, k) in table.hidden if k == "reached"}
        assert recover(cells, hidden) == {}, family

    response = login(me_murat).get(
        f"/reports/5w-hxl.csv?year={quarter.start.year}&period=year&shared=on"
    )
    csv_rows = rows_of(response.content)
    tags = csv_rows[1]
    amina_row = next(r for r in csv_rows[2:] if r[2].startswith("EU-1") and r[14] == "")
    assert amina_row[tags.index("#reached+ind")] == ""
    audit = AuditEvent.objects.get(actor=me_murat, object_type="export.5w-hxl")
    assert audit.details["shared"] is True


def test_a_shared_report_hides_small_numbers_and_says_so(login, me_murat, quarter):
    scope = Scope(mission("TR"), quarter.start, quarter.end)
    r = report.build(scope, quarter, shared=True, threshold=5)
    assert r.shown("total") == r.figures.total == 46
    projects = {p.name.split(" ")[0]: p for p in r.projects}
    assert projects["Not"].shown("total") is None  # 3 people with no project
    assert all(p.shown("unique") is None for p in r.projects)  # breakdowns: people reached only
    cells = {sex: pair for band, by in r.sex_age for sex, pair in by.items() if band == "12-17"}
    assert cells["male"] == (None, None)

    page = login(me_murat).get(
        f"/reports/quarterly/?year={quarter.start.year}&period=year&shared=on"
    )
    html = page.content.decode()
    assert 'id="disclosure-note"' in html and 'id="women-men-girls-boys"' not in html
    plain = login(me_murat).get(f"/reports/quarterly/?year={quarter.start.year}&period=year")
    assert 'id="disclosure-note"' not in plain.content.decode()


def test_the_reporting_api_gives_the_report_the_5w_and_hides_small_numbers_when_shared(
    client, me_murat, clerk_zeynep, quarter
):
    api = Api(client, me_murat, "reporting")
    query = f"?period=quarter&year={quarter.start.year}&quarter={(quarter.start.month + 2) // 3}"
    summary = api.get(f"/summary{query}").json()
    r = report.build(Scope(mission("TR"), quarter.start, quarter.end), quarter)
    assert (summary["people_reached"], summary["unique"], summary["services"]) == (46, 16, 6)
    assert summary["people_reached"] == r.figures.total
    assert {p["name"].split(" ")[0]: p["people_reached"] for p in summary["projects"]} == {
        p.name.split(" ")[0]: p.total for p in r.projects
    }
    shared = api.get(f"/summary{query}&shared=true").json()
    assert shared["shared"] is True and shared["people_reached"] == 46
    assert all(p["unique"] is None for p in shared["projects"])
    assert None in [p["people_reached"] for p in shared["projects"]]

    rows = api.get(f"/activities{query}").json()
    assert rows["hxl"]["reached"] == "#reached+ind"
    assert sorted(row["reached"] for row in rows["rows"]) == [1, 3, 42, 42]

    bad = api.get("/summary?period=custom&start=2026-05-01&end=2026-01-01").json()
    assert bad["error"]["code"] == "invalid"
    assert Api(client, clerk_zeynep, "reporting").get(f"/summary{query}").status_code == 403


def test_names_leave_only_with_a_purpose_for_a_role_that_allows_it(
    login, me_murat, clerk_zeynep, quarter, haliliye_centre, twenty, sanliurfa_team
):
    # Someone seen only by a counsellor: a mental-health service is not the M&E officer's to list.
    counsellor = make_user("counsellor_leyla", "counsellor", teams=[sanliurfa_team])
    record_service(
        counsellor,
        mission("TR"),
        service_type=a_service("mental_health", "person"),
        person=twenty[19],
        at=timezone.make_aware(
            timezone.datetime.combine(quarter.start, timezone.datetime.min.time())
        )
        + timedelta(days=5, hours=9),
        location=haliliye_centre,
        modality="centre",
    )
    client = login(me_murat)
    query = {"period": "year", "year": quarter.start.year}
    assert client.get("/reports/people/?period=year").status_code == 200

    refused = client.post("/reports/people/", {**query, "purpose": "why not"})
    assert refused.status_code == 200 and 'id="purpose-errors"' in refused.content.decode()
    assert not AuditEvent.objects.filter(object_type="export.people").exists()

    purpose = "Verification visit by the donor's monitor, list kept by the M&E unit"
    response = client.post("/reports/people/", {**query, "purpose": purpose})
    rows = rows_of(response.content)
    names = {r[1] for r in rows[1:]}
    assert "Amina" in names and "Participant0" in names
    assert "Participant19" not in names  # the mental-health service is not counted
    assert len(rows) - 1 == 16
    audit = AuditEvent.objects.get(actor=me_murat, object_type="export.people")
    assert audit.details["purpose"] == purpose and audit.details["rows"] == 16

    admin = make_user("admin_ayse", "admin", missions=("TR",))
    assert login(admin).post("/reports/people/", {**query, "purpose": purpose}).status_code == 403


def test_a_shared_workbook_holds_no_hidden_figure(login, me_murat, quarter):
    query = f"year={quarter.start.year}&period=year&shared=on"
    book = load_workbook(
        io.BytesIO(login(me_murat).get(f"/reports/quarterly.xlsx?{query}").content)
    )
    projects = {
        row[0].split(" ")[0]: row[1:4]
        for row in book["Projects"].iter_rows(min_row=2, values_only=True)
    }
    assert projects["Not"] == (None, None, None)  # 3 people: hidden, and no unique/headcount split
    assert all(unique is None and headcount is None for _t, unique, headcount in projects.values())
    sex_age = {
        row[0]: row[1:] for row in book["Sex and age"].iter_rows(min_row=2, values_only=True)
    }
    assert sex_age["12-17"][1] is None  # three boys
    assert len(sex_age["18-59"]) == 3  # female, male, other: people reached, not split


def test_a_download_with_a_bad_period_goes_back_to_the_report_and_exports_nothing(
    login, me_murat, quarter
):
    # Shared, but the period is wrong: no file at all, rather than last quarter's unshared one.
    query = "period=custom&start=2026-05-01&end=2026-01-01&shared=on"
    client = login(me_murat)
    for path in ("/reports/5w-hxl.csv", "/reports/5w.xlsx", "/reports/quarterly.xlsx"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 302 and response["Location"].startswith(
            "/reports/quarterly/?"
        )
    page = client.get(f"/reports/quarterly/?{query}")
    assert "The period ends before it starts." in page.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
