"""Funded needs: the amount a case worker asks for, who may approve it up to which limit, the
project budget it draws on, the payment the cash officer makes (a service to the person in
the need's sector), and the documents kept for it."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.casework import services
from kopru.casework.models import Approval, Document, History, Need
from kopru.core.models import AuditEvent, Project
from kopru.services.models import ServiceEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def ask(case, actor, amount, category="medical", **fields):
    return services.request_need(
        actor,
        case,
        **{
            "category": category,
            "description": "Dressings and antibiotics after surgery",
            "amount": amount,
            "supplier": "Eczane Şifa, Şahinbey",
            **fields,
        },
    )


def figures(project):
    """The budget's figures as a page loading the project shows them: to the cent."""
    fresh = Project.objects.get(pk=project.pk)
    return {k: None if v is None else str(v) for k, v in services.budget_figures(fresh).items()}


def writes():
    return (
        Need.objects.count(),
        Approval.objects.count(),
        History.objects.count(),
        ServiceEvent.objects.count(),
        Document.objects.count(),
    )


@pytest.fixture
def uploads(settings, tmp_path):
    root = tmp_path / "uploads"
    root.mkdir()
    settings.UPLOAD_ROOT = root
    return root


def files_in(root):
    return [p for p in Path(root).rglob("*") if p.is_file()]


@pytest.fixture
def approved(ecm_case, caseworker_omer, caseworker_hasan):
    """A medical need of 1,500 TRY Ömer asked for and Hasan approved."""
    need = ask(ecm_case, caseworker_omer, "1500")
    services.decide(caseworker_hasan, need.approval, approve=True)
    need.refresh_from_db()
    return need


# --- Asking -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("1250.5", "1250.50"),
        ("1250", "1250.00"),
        (" 2 500.75 ", "2500.75"),
        (Decimal("99.9"), "99.90"),
        ("0.01", "0.01"),
    ],
)
def test_a_need_stores_lira_with_two_decimals(ecm_case, caseworker_omer, given, stored):
    need = ask(ecm_case, caseworker_omer, given)
    need.refresh_from_db()
    assert isinstance(need.amount, Decimal)
    assert str(need.amount) == stored
    assert need.currency == "TRY"
    assert need.status == Need.Status.REQUESTED
    assert need.project == ecm_case.project
    assert need.requested_by == caseworker_omer
    approval = Approval.objects.get(need=need)
    assert (approval.kind, approval.status) == (Approval.Kind.NEED, Approval.Status.PENDING)
    entry = History.objects.filter(case=ecm_case, action="need_requested").get()
    assert entry.details == {"need": need.pk, "amount": stored, "what": "medical"}


@pytest.mark.parametrize("amount", ["abc", "", "0", "0.00", "-5", "12.345", "NaN", "1e12"])
def test_an_amount_that_is_not_lira_is_refused(ecm_case, caseworker_omer, amount):
    before = writes()
    with pytest.raises(ValidationError) as refused:
        ask(ecm_case, caseworker_omer, amount)
    assert "amount" in refused.value.message_dict
    assert writes() == before


def test_a_need_names_what_it_is_for_and_who_supplies_it(ecm_case, caseworker_omer):
    before = writes()
    with pytest.raises(ValidationError) as refused:
        ask(ecm_case, caseworker_omer, "100", category="holiday", description=" ", supplier="")
    assert {"category", "description", "supplier"} <= set(refused.value.message_dict)
    assert writes() == before


def test_a_need_above_what_remains_of_the_budget_is_refused(
    ecm_case, caseworker_omer, supervisor_derya, head_kemal
):
    before, budget = writes(), figures(ecm_case.project)
    with pytest.raises(ValidationError) as refused:
        ask(ecm_case, caseworker_omer, "50000.01")
    assert "amount" in refused.value.message_dict
    assert "exceed" in refused.value.message_dict["amount"][0]
    assert writes() == before
    assert figures(ecm_case.project) == budget

    # What is committed counts: after 30,000 approved, 20,000.01 no longer fits.
    first = ask(ecm_case, caseworker_omer, "30000")
    services.decide(head_kemal, first.approval, approve=True)
    before = writes()
    with pytest.raises(ValidationError) as over:
        ask(ecm_case, caseworker_omer, "20000.01")
    assert "amount" in over.value.message_dict
    assert writes() == before
    assert ask(ecm_case, caseworker_omer, "20000.00").amount == Decimal("20000.00")


# --- Approving --------------------------------------------------------------------------


def test_no_one_approves_their_own_request(ecm_case, caseworker_omer, supervisor_derya, head_kemal):
    need = ask(ecm_case, caseworker_omer, "100")
    with pytest.raises(ValidationError) as refused:
        services.decide(caseworker_omer, need.approval, approve=True)
    assert "approval" in refused.value.message_dict
    assert "own request" in refused.value.messages[0]
    need.refresh_from_db()
    assert need.status == Need.Status.REQUESTED

    # Not even a supervisor, whose limit is far above the amount.
    own = ask(ecm_case, supervisor_derya, "100")
    assert "own request" in services.why_not_decide(supervisor_derya, own.approval)
    with pytest.raises(ValidationError):
        services.decide(supervisor_derya, own.approval, approve=True)
    services.decide(head_kemal, own.approval, approve=True)
    own.refresh_from_db()
    assert own.status == Need.Status.APPROVED


def test_a_case_worker_approves_a_colleague_s_need_up_to_2500(
    ecm_case, caseworker_omer, caseworker_hasan, supervisor_derya
):
    small = ask(ecm_case, caseworker_omer, "2000")
    at_limit = ask(ecm_case, caseworker_omer, "2500.00")
    large = ask(ecm_case, caseworker_omer, "3000")

    services.decide(caseworker_hasan, small.approval, approve=True, note="Quote checked")
    services.decide(caseworker_hasan, at_limit.approval, approve=True)
    small.refresh_from_db()
    at_limit.refresh_from_db()
    assert small.status == at_limit.status == Need.Status.APPROVED
    approval = Approval.objects.get(need=small)
    assert approval.decided_by == caseworker_hasan
    assert approval.note == "Quote checked"

    with pytest.raises(ValidationError) as refused:
        services.decide(caseworker_hasan, large.approval, approve=True)
    message = refused.value.message_dict["approval"][0]
    assert "next level" in message
    assert "3,000.00 TRY" in message and "2,500.00 TRY" in message
    large.refresh_from_db()
    assert large.status == Need.Status.REQUESTED
    assert Approval.objects.get(need=large).status == Approval.Status.PENDING

    services.decide(supervisor_derya, large.approval, approve=True)
    large.refresh_from_db()
    assert large.status == Need.Status.APPROVED
    assert [h.details["need"] for h in History.objects.filter(action="need_approved")] == [
        large.pk,
        at_limit.pk,
        small.pk,
    ]


def test_a_supervisor_approves_up_to_25000_and_the_head_of_unit_above(
    ecm_case, caseworker_omer, supervisor_derya, head_kemal
):
    services.set_budget(head_kemal, ecm_case.project, "100000")
    at_limit = ask(ecm_case, caseworker_omer, "25000.00")
    above = ask(ecm_case, caseworker_omer, "25000.01")

    services.decide(supervisor_derya, at_limit.approval, approve=True)
    at_limit.refresh_from_db()
    assert at_limit.status == Need.Status.APPROVED

    assert "next level" in services.why_not_decide(supervisor_derya, above.approval)
    with pytest.raises(ValidationError):
        services.decide(supervisor_derya, above.approval, approve=True)
    above.refresh_from_db()
    assert above.status == Need.Status.REQUESTED

    services.decide(head_kemal, above.approval, approve=True)
    above.refresh_from_db()
    assert above.status == Need.Status.APPROVED
    assert figures(ecm_case.project)["committed"] == "50000.01"


def test_a_cash_officer_does_not_approve(ecm_case, caseworker_omer, cash_canan):
    need = ask(ecm_case, caseworker_omer, "100")
    with pytest.raises(ValidationError) as refused:
        services.decide(cash_canan, need.approval, approve=True)
    assert "approve funding" in refused.value.messages[0]


def test_a_rejection_needs_a_note(ecm_case, caseworker_omer, supervisor_derya):
    need = ask(ecm_case, caseworker_omer, "1800")
    for note in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            services.decide(supervisor_derya, need.approval, approve=False, note=note)
        assert "note" in refused.value.message_dict
    need.refresh_from_db()
    assert need.status == Need.Status.REQUESTED
    assert Approval.objects.get(need=need).status == Approval.Status.PENDING

    services.decide(
        supervisor_derya, need.approval, approve=False, note="The state hospital covers this"
    )
    need.refresh_from_db()
    approval = Approval.objects.get(need=need)
    assert need.status == Need.Status.REJECTED
    assert approval.status == Approval.Status.REJECTED
    assert approval.note == "The state hospital covers this"
    entry = History.objects.get(case=ecm_case, action="need_rejected")
    assert entry.details["note"] == "The state hospital covers this"
    assert figures(ecm_case.project)["committed"] == "0.00"


def test_approving_checks_the_budget_again(ecm_case, caseworker_omer, head_kemal):
    first = ask(ecm_case, caseworker_omer, "30000")
    second = ask(ecm_case, caseworker_omer, "30000")  # each fits alone in 50,000
    services.decide(head_kemal, first.approval, approve=True)

    with pytest.raises(ValidationError) as refused:
        services.decide(head_kemal, second.approval, approve=True)
    assert "amount" in refused.value.message_dict
    assert "20,000.00 TRY remains" in refused.value.message_dict["amount"][0]
    second.refresh_from_db()
    assert second.status == Need.Status.REQUESTED
    approval = Approval.objects.get(need=second)
    assert approval.status == Approval.Status.PENDING
    assert approval.decided_by is None
    assert figures(ecm_case.project)["committed"] == "30000.00"
    assert figures(ecm_case.project)["remaining"] == "20000.00"


# --- Paying -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "service_type", "sector"),
    [
        ("medical", "ecm_medical_support", "health"),
        ("accommodation", "ecm_accommodation_support", "basic_needs"),
    ],
)
def test_paying_records_a_service_in_the_need_s_sector(
    ecm_case, caseworker_omer, caseworker_hasan, cash_canan, fatima, category, service_type, sector
):
    need = ask(ecm_case, caseworker_omer, "1200", category=category)
    services.decide(caseworker_hasan, need.approval, approve=True)
    need.refresh_from_db()
    events = ServiceEvent.objects.filter(person=fatima).count()

    services.mark_paid(cash_canan, need, reference="EFT-2026-0042")
    need.refresh_from_db()
    assert need.status == Need.Status.PAID
    assert need.paid_by == cash_canan
    assert need.payment_reference == "EFT-2026-0042"
    assert ServiceEvent.objects.filter(person=fatima).count() == events + 1
    event = ServiceEvent.objects.get(pk=need.event_id)
    assert event.service_type.code == service_type
    assert event.service_type.sub_sector.sector.code == sector
    assert event.person == fatima
    assert event.location == ecm_case.location
    entry = History.objects.get(case=ecm_case, action="need_paid")
    assert entry.by == cash_canan
    assert entry.details["amount"] == "1200.00"


def test_only_an_approved_need_is_paid_and_only_by_the_cash_officer(
    ecm_case, caseworker_omer, cash_canan, approved
):
    waiting = ask(ecm_case, caseworker_omer, "300")
    before = writes()
    with pytest.raises(ValidationError) as not_approved:
        services.mark_paid(cash_canan, waiting, reference="EFT-1")
    assert "need" in not_approved.value.message_dict
    with pytest.raises(PermissionDenied):
        services.mark_paid(caseworker_omer, approved, reference="EFT-2")
    with pytest.raises(ValidationError) as no_reference:
        services.mark_paid(cash_canan, approved, reference="  ")
    assert "reference" in no_reference.value.message_dict
    assert writes() == before
    approved.refresh_from_db()
    assert approved.status == Need.Status.APPROVED


def test_a_receipt_must_be_uploaded_before_the_need_is_receipted(cash_canan, approved, uploads):
    services.mark_paid(cash_canan, approved, reference="EFT-2026-0042")
    approved.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.mark_receipted(cash_canan, approved)
    assert "need" in refused.value.message_dict
    # An invoice is not a receipt.
    services.upload_document(cash_canan, approved, kind="invoice", name="invoice.pdf", content=PDF)
    with pytest.raises(ValidationError):
        services.mark_receipted(cash_canan, approved)
    approved.refresh_from_db()
    assert approved.status == Need.Status.PAID

    services.upload_document(cash_canan, approved, kind="receipt", name="receipt.png", content=PNG)
    services.mark_receipted(cash_canan, approved)
    approved.refresh_from_db()
    assert approved.status == Need.Status.RECEIPTED
    assert approved.receipted_at is not None
    assert History.objects.filter(case=approved.case, action="need_receipted").count() == 1


def test_the_budget_figures_follow_each_step_to_the_cent(
    ecm_case, caseworker_omer, caseworker_hasan, supervisor_derya, cash_canan, uploads
):
    project = ecm_case.project
    assert figures(project) == {
        "budget": "50000.00",
        "requested": "0.00",
        "committed": "0.00",
        "paid": "0.00",
        "remaining": "50000.00",
    }
    need = ask(ecm_case, caseworker_omer, "1234.56")
    assert figures(project) == {
        "budget": "50000.00",
        "requested": "1234.56",
        "committed": "0.00",
        "paid": "0.00",
        "remaining": "50000.00",
    }
    services.decide(caseworker_hasan, need.approval, approve=True)
    assert figures(project) == {
        "budget": "50000.00",
        "requested": "0.00",
        "committed": "1234.56",
        "paid": "0.00",
        "remaining": "48765.44",
    }
    need.refresh_from_db()
    services.mark_paid(cash_canan, need, reference="EFT-7")
    assert figures(project) == {
        "budget": "50000.00",
        "requested": "0.00",
        "committed": "0.00",
        "paid": "1234.56",
        "remaining": "48765.44",
    }
    other = ask(ecm_case, caseworker_omer, "765.45", category="food")
    services.decide(supervisor_derya, other.approval, approve=True)
    assert figures(project)["committed"] == "765.45"
    assert figures(project)["remaining"] == "47999.99"

    need.refresh_from_db()
    services.upload_document(cash_canan, need, kind="receipt", name="r.pdf", content=PDF)
    services.mark_receipted(cash_canan, need)
    # Receipted is still paid; a cancelled need gives its money back.
    other.refresh_from_db()
    services.cancel_need(caseworker_omer, other, reason="The family moved")
    assert figures(project) == {
        "budget": "50000.00",
        "requested": "0.00",
        "committed": "0.00",
        "paid": "1234.56",
        "remaining": "48765.44",
    }


def test_the_budget_cannot_go_below_what_is_committed_and_paid(ecm_case, head_kemal, approved):
    with pytest.raises(ValidationError) as refused:
        services.set_budget(head_kemal, ecm_case.project, "1499.99")
    assert "amount" in refused.value.message_dict
    assert figures(ecm_case.project)["budget"] == "50000.00"
    services.set_budget(head_kemal, ecm_case.project, "1500")
    assert figures(ecm_case.project)["remaining"] == "0.00"


# --- Documents --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),  # a program
        ("receipt.pdf", b"<html><script>alert(1)</script></html>"),
        ("receipt.pdf", b""),
        ("receipt.pdf", b"%PDF-1.4\n" + b"0" * 1000),  # 1,009 bytes, over the 1,000 allowed
    ],
)
def test_an_upload_that_is_not_a_small_pdf_jpeg_or_png_is_refused(
    caseworker_omer, approved, uploads, settings, name, content
):
    settings.UPLOAD_MAX_BYTES = 1000
    before = writes()
    with pytest.raises(ValidationError) as refused:
        services.upload_document(
            caseworker_omer, approved, kind="quote", name=name, content=content
        )
    assert "file" in refused.value.message_dict
    assert writes() == before
    assert files_in(uploads) == []


def test_an_upload_at_the_size_limit_is_accepted(caseworker_omer, approved, uploads, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    content = b"\xff\xd8\xff" + b"\x00" * 997
    document = services.upload_document(
        caseworker_omer, approved, kind="quote", name="quote.jpg", content=content
    )
    assert (document.size, document.content_type) == (1000, "image/jpeg")


def test_an_upload_is_kept_under_the_upload_folder_and_read_back_audited(
    caseworker_omer, cash_canan, clerk_zeynep, approved, uploads
):
    document = services.upload_document(
        caseworker_omer, approved, kind="quote", name="quote.pdf", content=PDF
    )
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    (stored,) = files_in(uploads)
    assert stored.read_bytes() == PDF
    assert stored == (uploads / document.path)
    assert stored.resolve().is_relative_to(uploads.resolve())
    assert "quote.pdf" not in str(stored)  # the person's file name never names the file
    assert History.objects.filter(case=approved.case, action="document_added").count() == 1

    reads = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="casework.document", object_id=str(document.pk)
    )
    assert services.open_document(caseworker_omer, document) == PDF
    entry = reads.get()
    assert entry.category == "financial"
    assert entry.actor == caseworker_omer
    assert entry.mission_id == approved.case.mission_id

    # The cash officer reads it too; a data clerk does not, and leaves no read behind.
    assert services.open_document(cash_canan, document) == PDF
    with pytest.raises(PermissionDenied):
        services.open_document(clerk_zeynep, document)
    assert reads.count() == 2


def test_a_document_needs_a_known_kind(caseworker_omer, approved, uploads):
    with pytest.raises(ValidationError) as refused:
        services.upload_document(
            caseworker_omer, approved, kind="selfie", name="a.pdf", content=PDF
        )
    assert "kind" in refused.value.message_dict
    assert files_in(uploads) == []


# --- Who sees the money, and the queue --------------------------------------------------


def test_a_cash_officer_sees_the_money_but_not_the_case(
    ecm_case, cash_canan, caseworker_omer, clerk_zeynep
):
    assert services.may_see_money(cash_canan, ecm_case) is True
    assert services.may_see_case(cash_canan, ecm_case) is False
    assert services.may_see_money(caseworker_omer, ecm_case) is True
    assert services.may_see_money(clerk_zeynep, ecm_case) is False


def test_the_queue_lists_the_needs_each_approver_may_decide_oldest_first(
    ecm_case, caseworker_omer, caseworker_hasan, supervisor_derya
):
    first = ask(ecm_case, caseworker_omer, "2000")
    second = ask(ecm_case, caseworker_omer, "3000")
    third = ask(ecm_case, caseworker_omer, "500")
    # Asked in another order than written: the oldest is the 3,000, then the 500.
    now = timezone.now()
    Approval.objects.filter(need=second).update(requested_at=now - timedelta(hours=3))
    Approval.objects.filter(need=third).update(requested_at=now - timedelta(hours=2))
    Approval.objects.filter(need=first).update(requested_at=now - timedelta(hours=1))

    mission = ecm_case.mission
    assert [a.need for a in services.queue(supervisor_derya, mission)] == [second, third, first]
    assert [a.need for a in services.queue(caseworker_hasan, mission)] == [third, first]
    assert services.queue(caseworker_omer, mission) == []  # all his own

    services.decide(supervisor_derya, second.approval, approve=True)
    assert [a.need for a in services.queue(supervisor_derya, mission)] == [third, first]
