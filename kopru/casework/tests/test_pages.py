"""The case pages as their users meet them: opening a case, the audited case page, a GBV case
named by its reference only in the list and the export, funding asked for on the case page
(refused over budget, or with a quote that is not a document), the approvals queue, the cash
officer's payments, the budgets to the cent, a document read back audited, and the
dashboard's overdue follow-ups and caseload."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kopru.casework import services
from kopru.casework.models import Approval, Case, Document, Need
from kopru.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEEDS = "Rent arrears of three months; her son needs surgery follow-up."
PDF = b"%PDF-1.4\n%%EOF"
PROGRAM = b"MZ\x90\x00"  # the first bytes of a Windows program


def text_of(response):
    return response.content.decode()


def ask(case, actor, amount, **fields):
    return services.request_need(
        actor,
        case,
        **{
            "category": "medical",
            "description": "Dressings and antibiotics after surgery",
            "amount": amount,
            "supplier": "Eczane Şifa, Şahinbey",
            **fields,
        },
    )


def rows_of(page, marker):
    """The cells (tags stripped) of every table row whose HTML contains `marker`."""
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        if marker in row:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            found.append([re.sub(r"<[^>]+>", " ", c).split() for c in cells])
    return found


def need_form(project, **fields):
    return {
        "action": "need",
        "category": "medical",
        "description": "Dressings and antibiotics after surgery",
        "amount": "1500",
        "supplier": "Eczane Şifa, Şahinbey",
        "project": project.pk,
        **fields,
    }


@pytest.fixture
def uploads(settings, tmp_path):
    root = tmp_path / "uploads"
    root.mkdir()
    settings.UPLOAD_ROOT = root
    return root


@pytest.fixture
def gbv_case(caseworker_omer, supervisor_derya, fatima, sahinbey_centre, gaziantep_team):
    return services.open_case(
        caseworker_omer,
        fatima,
        kind="gbv",
        location=sahinbey_centre,
        team=gaziantep_team,
        presenting_needs="Needs a safe place to stay tonight.",
    )


@pytest.fixture
def approved(ecm_case, caseworker_omer, caseworker_hasan):
    """A medical need of 1,500 TRY Ömer asked for and Hasan approved."""
    need = ask(ecm_case, caseworker_omer, "1500")
    services.decide(caseworker_hasan, need.approval, approve=True)
    need.refresh_from_db()
    return need


# --- Opening and reading a case ---------------------------------------------------------------


def test_opening_a_case_from_the_page_shows_its_number(
    login, caseworker_omer, supervisor_derya, fatima, sahinbey_centre, gaziantep_team, ecm_project
):
    client = login(caseworker_omer)
    url = reverse("casework:case_new", args=[fatima.pk])
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "kind": "ecm",
            "team": gaziantep_team.pk,
            "location": sahinbey_centre.pk,
            "project": ecm_project.pk,
            "presenting_needs": NEEDS,
            "circumstances": "",
        },
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == case.get_absolute_url()
    assert (case.person, case.kind, case.caseworker) == (fatima, "ecm", caseworker_omer)
    page = text_of(client.get(answer["Location"]))
    assert case.number in page and f"Case {case.number} opened." in page
    assert "Emergency case management" in page


def test_opening_without_the_needs_says_so_and_opens_nothing(
    login, caseworker_omer, fatima, sahinbey_centre, gaziantep_team
):
    page = login(caseworker_omer).post(
        reverse("casework:case_new", args=[fatima.pk]),
        {
            "kind": "ecm",
            "team": gaziantep_team.pk,
            "location": sahinbey_centre.pk,
            "presenting_needs": "",
        },
    )
    assert page.status_code == 200
    assert "This field is required." in text_of(page)
    assert not Case.objects.exists()


def test_each_read_of_the_case_page_is_audited_as_protection(login, caseworker_omer, ecm_case):
    client = login(caseworker_omer)
    views = AuditEvent.objects.filter(
        action="view", object_type="casework.case", object_id=str(ecm_case.pk)
    )
    assert not views.exists()
    for expected in (1, 2):
        page = client.get(ecm_case.get_absolute_url())
        assert page.status_code == 200 and NEEDS in text_of(page)
        assert views.count() == expected
    assert {(e.category, e.actor_id) for e in views} == {("protection", caseworker_omer.pk)}


def test_a_cash_officer_pays_without_seeing_the_case(login, cash_canan, ecm_case, approved):
    client = login(cash_canan)
    assert client.get(ecm_case.get_absolute_url()).status_code == 403
    assert client.get(reverse("casework:case_list")).status_code == 403
    assert not AuditEvent.objects.filter(action="view", actor=cash_canan).exists()

    page = client.get(reverse("casework:payments"))
    assert page.status_code == 200
    text = text_of(page)
    (row,) = rows_of(text, ecm_case.number)
    assert row[3] == ["1500.00", "TRY"]
    assert "Dressings and antibiotics after surgery" in text
    assert "Rent arrears" not in text and NEEDS not in text
    assert "Fatima" not in text and "Al-Ali" not in text


# --- A GBV case in lists and exports ----------------------------------------------------------


def test_the_list_of_a_gbv_case_withholds_the_name(login, caseworker_omer, fatima, gbv_case):
    page = login(caseworker_omer).get(reverse("casework:case_list"))
    assert page.status_code == 200
    text = text_of(page)
    (row,) = rows_of(text, gbv_case.number)
    assert " ".join(row[2]) == f"Name withheld ({fatima.reference})"
    assert fatima.given_name not in text and fatima.family_name not in text


def test_the_export_of_a_gbv_case_withholds_the_name_and_is_audited(
    login, caseworker_omer, fatima, gbv_case
):
    answer = login(caseworker_omer).get(reverse("casework:case_list"), {"format": "csv"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    content = answer.content.decode("utf-8-sig")
    assert fatima.given_name not in content and fatima.family_name not in content
    header, *rows = list(csv.reader(io.StringIO(content)))
    assert header[:4] == ["Case number", "Case type", "Person", "Reference"]
    (row,) = rows
    assert row[0] == gbv_case.number and row[1] == "Gender-based violence"
    assert row[2] == f"Name withheld ({fatima.reference})" and row[3] == fatima.reference
    entry = AuditEvent.objects.get(action="export")
    assert entry.actor == caseworker_omer and entry.category == "protection"
    assert entry.object_type == "casework.case" and entry.details["rows"] == 1


# --- Funding asked for on the case page -------------------------------------------------------


def test_funding_over_the_remaining_budget_is_refused_on_the_case_page(
    login, caseworker_omer, ecm_case
):
    page = login(caseworker_omer).post(
        ecm_case.get_absolute_url(), need_form(ecm_case.project, amount="50000.01")
    )
    assert page.status_code == 200
    text = text_of(page)
    assert "50,000.01 TRY would exceed the project" in text
    assert "50,000.00 TRY remains." in text
    assert not Need.objects.exists() and not Approval.objects.exists()


def test_funding_within_the_budget_is_asked_on_the_case_page(login, caseworker_omer, ecm_case):
    client = login(caseworker_omer)
    answer = client.post(ecm_case.get_absolute_url(), need_form(ecm_case.project, amount="1250.5"))
    assert answer.status_code == 302
    need = Need.objects.get()
    assert need.amount == Decimal("1250.50") and need.status == Need.Status.REQUESTED
    assert Approval.objects.get(need=need).status == Approval.Status.PENDING
    assert "Funding requested: 1,250.50 TRY." in text_of(client.get(answer["Location"]))


def test_a_quote_that_is_not_a_document_is_refused_and_nothing_is_kept(
    login, caseworker_omer, ecm_case, uploads
):
    quote = SimpleUploadedFile("q.pdf", PROGRAM, content_type="application/pdf")
    page = login(caseworker_omer).post(
        ecm_case.get_absolute_url(), need_form(ecm_case.project, quote=quote)
    )
    assert page.status_code == 200
    assert "Upload a file of one of these types: PDF, JPEG, PNG." in text_of(page)
    assert not Document.objects.exists()
    assert not Need.objects.exists()  # the need and its quote are one request
    assert [p for p in uploads.rglob("*") if p.is_file()] == []


def test_a_pdf_quote_is_kept_with_the_need(login, caseworker_omer, ecm_case, uploads):
    quote = SimpleUploadedFile("quote.pdf", PDF, content_type="application/pdf")
    answer = login(caseworker_omer).post(
        ecm_case.get_absolute_url(), need_form(ecm_case.project, quote=quote)
    )
    assert answer.status_code == 302
    document = Document.objects.get()
    assert (document.need, document.kind, document.content_type) == (
        Need.objects.get(),
        "quote",
        "application/pdf",
    )


# --- Approvals --------------------------------------------------------------------------------


def test_the_supervisor_approves_a_need_from_the_approvals_page(
    login, caseworker_omer, supervisor_derya, ecm_case
):
    need = ask(ecm_case, caseworker_omer, "1800")
    client = login(supervisor_derya)
    page = text_of(client.get(reverse("casework:approvals")))
    (row,) = rows_of(page, ecm_case.number)
    assert [w for w in row[2] if w in ("1800.00", "TRY")] == ["1800.00", "TRY"]
    assert f'name="approval" value="{need.approval.pk}"' in page

    answer = client.post(
        reverse("casework:approvals"),
        {"approval": need.approval.pk, "decision": "approve", "note": ""},
        follow=True,
    )
    need.refresh_from_db()
    assert need.status == Need.Status.APPROVED
    approval = Approval.objects.get(need=need)
    assert (approval.status, approval.decided_by) == ("approved", supervisor_derya)
    text = text_of(answer)
    assert "Approved." in text and "Nothing waits for your decision." in text


def test_the_requester_does_not_see_their_own_request_to_decide(login, caseworker_omer, ecm_case):
    need = ask(ecm_case, caseworker_omer, "900")
    page = text_of(login(caseworker_omer).get(reverse("casework:approvals")))
    assert "Nothing waits for your decision." in page
    assert f'name="approval" value="{need.approval.pk}"' not in page
    assert ecm_case.number not in page


def test_rejecting_without_a_note_is_refused_with_the_reason(
    login, caseworker_omer, supervisor_derya, ecm_case
):
    need = ask(ecm_case, caseworker_omer, "1800")
    page = login(supervisor_derya).post(
        reverse("casework:approvals"),
        {"approval": need.approval.pk, "decision": "reject", "note": "  "},
        follow=True,
    )
    assert "Say why the request is rejected." in text_of(page)
    need.refresh_from_db()
    assert need.status == Need.Status.REQUESTED
    assert Approval.objects.get(need=need).status == Approval.Status.PENDING


def test_rejecting_with_a_note_says_rejected_and_the_case_page_shows_the_note(
    login, caseworker_omer, supervisor_derya, ecm_case
):
    need = ask(ecm_case, caseworker_omer, "1800")
    client = login(supervisor_derya)
    page = client.post(
        reverse("casework:approvals"),
        {
            "approval": need.approval.pk,
            "decision": "reject",
            "note": "The state hospital covers this",
            "next": ecm_case.get_absolute_url(),
        },
    )
    assert page.status_code == 302 and page["Location"] == ecm_case.get_absolute_url()
    need.refresh_from_db()
    assert need.status == Need.Status.REJECTED
    text = text_of(client.get(page["Location"]))
    assert "Rejected." in text and "The state hospital covers this" in text


def test_deciding_never_sends_the_user_to_another_site(
    login, caseworker_omer, supervisor_derya, ecm_case
):
    need = ask(ecm_case, caseworker_omer, "1800")
    answer = login(supervisor_derya).post(
        reverse("casework:approvals"),
        {
            "approval": need.approval.pk,
            "decision": "approve",
            "note": "",
            "next": "https://evil.example/kopru-login",
        },
    )
    assert answer.status_code == 302
    assert "evil.example" not in answer["Location"]
    need.refresh_from_db()
    assert need.status == Need.Status.APPROVED


# --- Payments, budgets and documents ----------------------------------------------------------


def test_the_cash_officer_marks_paid_then_receipts_with_the_receipt(
    login, cash_canan, approved, uploads
):
    client = login(cash_canan)
    url = reverse("casework:payments")
    paid = client.post(
        url, {"need": approved.pk, "step": "paid", "reference": "EFT-2026-0042"}, follow=True
    )
    approved.refresh_from_db()
    assert approved.status == Need.Status.PAID and approved.payment_reference == "EFT-2026-0042"
    text = text_of(paid)
    assert "Marked as paid." in text and "EFT-2026-0042" in text

    receipt = SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf")
    done = client.post(url, {"need": approved.pk, "step": "receipt", "file": receipt}, follow=True)
    approved.refresh_from_db()
    assert approved.status == Need.Status.RECEIPTED
    document = Document.objects.get(need=approved)
    assert document.kind == "receipt" and (uploads / document.path).read_bytes() == PDF
    text = text_of(done)
    assert "Receipt kept; the payment is receipted." in text
    assert "No payment waits." in text  # a receipted need leaves the list


def test_a_receipt_that_is_not_a_document_leaves_the_need_paid(
    login, cash_canan, approved, uploads
):
    services.mark_paid(cash_canan, approved, reference="EFT-1")
    page = login(cash_canan).post(
        reverse("casework:payments"),
        {"need": approved.pk, "step": "receipt", "file": SimpleUploadedFile("r.pdf", PROGRAM)},
        follow=True,
    )
    assert "Upload a file of one of these types: PDF, JPEG, PNG." in text_of(page)
    approved.refresh_from_db()
    assert approved.status == Need.Status.PAID
    assert not Document.objects.exists()


def test_marking_paid_without_a_reference_is_refused(login, cash_canan, approved):
    page = login(cash_canan).post(
        reverse("casework:payments"),
        {"need": approved.pk, "step": "paid", "reference": ""},
        follow=True,
    )
    assert "This field is required." in text_of(page)
    approved.refresh_from_db()
    assert approved.status == Need.Status.APPROVED and approved.event_id is None


def test_the_budgets_page_shows_the_figures_to_the_cent(
    login, head_kemal, caseworker_omer, caseworker_hasan, cash_canan, ecm_case
):
    committed = ask(ecm_case, caseworker_omer, "1234.56")
    services.decide(caseworker_hasan, committed.approval, approve=True)
    paid = ask(ecm_case, caseworker_omer, "765.45", category="food")
    services.decide(caseworker_hasan, paid.approval, approve=True)
    paid.refresh_from_db()
    services.mark_paid(cash_canan, paid, reference="EFT-7")
    ask(ecm_case, caseworker_omer, "100.10")  # waiting

    page = login(head_kemal).get(reverse("casework:budgets"))
    assert page.status_code == 200
    (row,) = rows_of(text_of(page), "ECM-26")
    figures = [" ".join(cell) for cell in row[1:]]
    # Budget, waiting for approval, committed, paid, remaining.
    assert figures == ["50000.00", "100.10", "1234.56", "765.45", "47999.99"]


def test_a_document_is_read_back_with_its_type_and_the_read_is_audited(
    login, caseworker_omer, approved, uploads
):
    document = services.upload_document(
        caseworker_omer, approved, kind="quote", name="quote.pdf", content=PDF
    )
    answer = login(caseworker_omer).get(reverse("casework:document", args=[document.pk]))
    assert answer.status_code == 200
    assert answer.content == PDF
    assert answer["Content-Type"] == "application/pdf"
    assert answer["X-Content-Type-Options"] == "nosniff"
    entry = AuditEvent.objects.get(
        action="view", object_type="casework.document", object_id=str(document.pk)
    )
    assert entry.category == "financial" and entry.actor == caseworker_omer


# --- The dashboard ----------------------------------------------------------------------------


def test_the_dashboard_lists_overdue_follow_ups_and_the_supervisors_caseload(
    login, client, caseworker_omer, supervisor_derya, ecm_case, fatima
):
    due = timezone.localdate() - timedelta(days=3)
    Case.objects.filter(pk=ecm_case.pk).update(next_follow_up=due)

    mine = text_of(login(caseworker_omer).get(reverse("casework:dashboard")))
    overdue = mine.split("Follow-ups overdue", 1)[1].split("</div>", 1)[0]
    assert ecm_case.number in overdue and f"due {due:%d.%m.%Y}" in overdue
    assert str(fatima) in overdue
    assert "The team&#x27;s caseload" not in mine and "The team's caseload" not in mine

    client.logout()
    theirs = text_of(login(supervisor_derya).get(reverse("casework:dashboard")))
    caseload = theirs.split("caseload", 1)[1]
    (row,) = rows_of(caseload, caseworker_omer.get_full_name())
    # Case worker, open, high risk, follow-ups overdue, approvals waiting.
    assert row == [caseworker_omer.get_full_name().split(), ["1"], ["0"], ["1"], ["0"]]


def test_a_case_opens_from_a_referral_received_in_the_team_inbox(
    client, login, caseworker_omer, supervisor_derya, gaziantep_team, sahinbey_centre, fatima
):
    """The Gaziantep team receives a referral for Fatima; the case worker opens a case from
    the referral's page, and the case keeps the referral it came from."""
    from kopru.casework.models import Case
    from kopru.core.models import Location
    from kopru.services import referrals
    from kopru.services.models import Provider

    inbox = referrals.save_provider(
        _admin(),
        Provider(
            mission=fatima.mission,
            name="Emergency case management Gaziantep",
            kind=Provider.Kind.INTERNAL,
            team=gaziantep_team,
            location=Location.objects.get(pcode="TR27"),
        ),
    )
    referral = referrals.make_referral(
        caseworker_omer, fatima, provider=inbox, reason="Rent arrears", urgency="urgent"
    )
    login(caseworker_omer)
    page = client.get(f"/services/referrals/{referral.pk}/").content.decode()
    assert "Open a case from this referral" in page
    response = client.post(
        f"/cases/new/{fatima.pk}/?referral={referral.pk}",
        {
            "kind": "ecm",
            "team": gaziantep_team.pk,
            "location": sahinbey_centre.pk,
            "presenting_needs": "Rent arrears of three months",
            "referral": referral.pk,
        },
    )
    case = Case.objects.get(person=fatima)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.referral == referral and case.opened_via == "referral"


def _admin():
    from kopru.core.tests.factories import make_user

    return make_user("admin_for_referrals", "admin")


def test_a_refused_request_stays_open_with_what_was_typed(login, caseworker_omer, ecm_case):
    page = login(caseworker_omer).post(
        ecm_case.get_absolute_url(), need_form(ecm_case.project, amount="abc")
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r"<details open><summary>\s*Request funding", html)
    assert 'value="abc"' in html
