"""The assistance pages as the cash officer and the head of unit use them: programmes and their
criteria, targeting and its approval, a cycle's figures and its files with the provider
(refused whole, every line shown), cards, the reconciliation per household and its audited
export, vendors, warehouses, distributions in kind and complaints; and no page for a role
without the assistance capabilities."""

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kopru.assistance import cards, inkind, redemptions, services
from kopru.assistance.models import (
    Candidate,
    Card,
    Complaint,
    Cycle,
    Entitlement,
    Programme,
    ProviderFile,
    Receipt,
    Redemption,
    TargetingRun,
    Vendor,
    Warehouse,
)
from kopru.core.models import AuditEvent
from kopru.core.tests.factories import district, location

from .test_cards import _confirmation, _head, _in_hand, cycle  # noqa: F401  (the fixture)
from .test_inkind import depot, far_away, kit_cycle, kit_programme, stock_up  # noqa: F401
from .test_redemptions import _file, loaded  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def text_of(response):
    return html.unescape(response.content.decode())


def figure(page, label):
    """The number shown under a figure's label on the cycle page."""
    found = re.search(rf">{re.escape(label)}</div><div[^>]*>\s*([^<]*?)\s*<", page)
    return found and found.group(1)


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def amount(value):
    return f"{value:.2f}".replace(".", ",")


# --- Programmes and targeting ---------------------------------------------------------------


def test_the_programme_list_shows_the_programme(login, cash_canan, programme):
    page = text_of(login(cash_canan).get(reverse("assistance:home")))
    assert "MPC-URFA" in page and "Multi-purpose cash, Şanlıurfa" in page
    assert "Government of Japan" in page and "100,000.00" in page


def test_the_new_programme_form_opens(login, cash_canan, programme):
    answer = login(cash_canan).get(reverse("assistance:programme_new"))
    assert answer.status_code == 200
    page = text_of(answer)
    assert 'name="use_household_size"' in page and 'name="size_1"' in page


def _new_programme(programme, **fields):
    return {
        "code": "WIN-URFA",
        "name": "Winter top-up",
        "modality": "multipurpose_card",
        "kit": "",
        "project": programme.project.pk,
        "provinces": [location("TR63").pk],
        "budget": "50000",
        "recurring": "on",
        "cutoff": "3",
        "use_household_size": "on",
        "weight_household_size": "2",
        "threshold_household_size": "4",
        "use_female_headed": "on",
        "weight_female_headed": "2",
        "size_1": "1500.00",
        "size_2": "2000.00",
        "extra_member": "250.00",
        "cap": "3600.00",
        **fields,
    }


def test_a_new_programme_is_saved_with_its_criteria_and_table(login, cash_canan, programme):
    client = login(cash_canan)
    answer = client.post(reverse("assistance:programme_new"), _new_programme(programme))
    new = Programme.objects.get(code="WIN-URFA")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("assistance:programme_detail", args=[new.pk])
    assert new.criteria == [
        {"code": "household_size", "weight": 2, "threshold": 4.0},
        {"code": "female_headed", "weight": 2},
    ]
    assert new.cutoff == 3 and new.recurring and new.budget == Decimal("50000.00")
    assert new.transfer_values["by_size"] == {"1": "1500.00", "2": "2000.00"}
    assert new.transfer_values["cap"] == "3600.00"
    assert new.service_type.code == "multipurpose_cash"
    assert list(new.provinces.all()) == [location("TR63")]


def test_a_turkish_officer_types_amounts_with_a_decimal_comma(login, cash_canan, programme):
    client = login(cash_canan)
    client.cookies["django_language"] = "tr"
    fields = _new_programme(programme, budget="50.000,50", size_1="1500,00", cap="3.600")
    answer = client.post(reverse("assistance:programme_new"), fields, HTTP_ACCEPT_LANGUAGE="tr")
    assert answer.status_code == 302
    new = Programme.objects.get(code="WIN-URFA")
    assert new.budget == Decimal("50000.50")
    # Stored in one notation, so an English-speaking colleague's next cycle reads it alike.
    assert new.transfer_values == {
        "by_size": {"1": "1500.00", "2": "2000.00"},
        "extra_member": "250.00",
        "cap": "3600.00",
    }


def test_a_second_programme_with_the_same_code_is_refused_on_the_field(
    login, cash_canan, programme
):
    answer = login(cash_canan).post(
        reverse("assistance:programme_new"), _new_programme(programme, code="MPC-URFA")
    )
    assert answer.status_code == 200
    assert "Another programme has this code." in text_of(answer)
    assert Programme.objects.filter(code="MPC-URFA").count() == 1


def test_a_score_the_criteria_cannot_reach_is_refused_on_the_form(login, cash_canan, programme):
    answer = login(cash_canan).post(
        reverse("assistance:programme_new"), _new_programme(programme, cutoff="9")
    )
    assert answer.status_code == 200
    assert "The score needed is a whole number from 1 to 4" in text_of(answer)
    assert not Programme.objects.filter(code="WIN-URFA").exists()


def test_the_programme_page_opens_for_the_officer(login, cash_canan, programme):
    answer = login(cash_canan).get(reverse("assistance:programme_detail", args=[programme.pk]))
    assert answer.status_code == 200
    assert "Household of at least N people" in text_of(answer)


def test_targeting_from_the_programme_page_makes_a_list(login, cash_canan, programme, homes):
    client = login(cash_canan)
    url = reverse("assistance:programme_detail", args=[programme.pk])
    answer = client.post(url, {"action": "target"})
    run = TargetingRun.objects.get(programme=programme)
    assert answer.status_code == 302 and answer["Location"] == url
    assert (run.households, run.eligible, run.run_by) == (3, 1, cash_canan)
    page = text_of(client.get(reverse("assistance:run_detail", args=[run.pk])))
    assert "3 households scored" in page and homes["widow"].reference in page


def test_a_decision_without_a_reason_is_refused_and_changes_nothing(
    login, cash_canan, programme, homes
):
    run = services.run_targeting(cash_canan, programme)
    couple = run.candidates.get(household=homes["couple"])
    client = login(cash_canan)
    url = reverse("assistance:run_detail", args=[run.pk])
    answer = client.post(
        url, {"action": "decide", "candidate": couple.pk, "include": "1", "reason": ""}
    )
    assert answer.status_code == 200
    assert "This field is required." in text_of(answer)
    couple.refresh_from_db()
    assert (couple.decision, couple.decided_by) == (Candidate.Decision.AUTO, None)
    answer = client.post(
        url,
        {"action": "decide", "candidate": couple.pk, "include": "1", "reason": "Husband injured"},
    )
    couple.refresh_from_db()
    assert answer.status_code == 302
    assert (couple.decision, couple.decision_reason) == ("include", "Husband injured")
    page = text_of(client.get(url))
    assert "2 households (8 people) on the list" in page


def test_the_head_approves_the_list_on_its_page(login, cash_canan, head_kemal, programme, homes):
    run = services.run_targeting(cash_canan, programme)
    url = reverse("assistance:run_detail", args=[run.pk])
    client = login(cash_canan)
    page = text_of(client.get(url))
    assert "Someone other than who prepared the list approves it." in page
    client.post(url, {"action": "approve"})
    run.refresh_from_db()
    assert run.status == TargetingRun.Status.DRAFT

    client = login(head_kemal)
    assert 'value="approve"' in text_of(client.get(url))
    page = text_of(client.post(url, {"action": "approve"}, follow=True))
    run.refresh_from_db()
    assert (run.status, run.approved_by) == (TargetingRun.Status.APPROVED, head_kemal)
    assert "List approved and frozen." in page


# --- A cycle and its files ------------------------------------------------------------------


def test_the_cycle_page_shows_its_figures(login, cash_canan, homes, cycle):  # noqa: F811
    answer = login(cash_canan).get(reverse("assistance:cycle_detail", args=[cycle.pk]))
    assert answer.status_code == 200
    page = text_of(answer)
    total = sum(e.amount for e in cycle.entitlements.all())
    assert figure(page, "Households") == "2"
    assert figure(page, "People") == "8"  # the widow's five and the couple's three
    assert figure(page, "Entitled (TRY)") == f"{total:,.2f}"
    assert figure(page, "Loaded").split()[0] == "0"


def test_cards_are_taken_assigned_and_handed_over_on_the_pages(
    login,
    cash_canan,
    programme,
    homes,
    cycle,  # noqa: F811
):
    client = login(cash_canan)
    answer = client.post(
        reverse("assistance:programme_detail", args=[programme.pk]),
        {"action": "receive_cards", "serials": "C1001-C1003"},
    )
    assert answer.status_code == 302
    assert list(Card.objects.values_list("serial", flat=True)) == ["C1001", "C1002", "C1003"]
    url = reverse("assistance:card_list", args=[programme.pk])
    card = Card.objects.get(serial="C1001")
    widow = homes["widow"]
    answer = client.post(url, {"action": "assign", "card": card.pk, "household": widow.reference})
    card.refresh_from_db()
    assert answer.status_code == 302
    assert (card.status, card.household) == (Card.Status.ASSIGNED, widow)

    page = text_of(client.get(url))
    assert 'value="hand_over"' in page and f'value="{_head(widow).pk}"' in page
    neighbour = _head(homes["couple"])
    page = text_of(
        client.post(
            url,
            {
                "action": "hand_over",
                "card": card.pk,
                "recipient": neighbour.pk,
                "confirmation": "signature",
            },
        )
    )
    assert "The recipient must be a current member of the household." in page
    card.refresh_from_db()
    assert card.status == Card.Status.ASSIGNED
    answer = client.post(
        url,
        {
            "action": "hand_over",
            "card": card.pk,
            "recipient": _head(widow).pk,
            "confirmation": "thumbprint",
        },
    )
    card.refresh_from_db()
    assert answer.status_code == 302
    assert (card.status, card.recipient, card.confirmation) == (
        Card.Status.DISTRIBUTED,
        _head(widow),
        "thumbprint",
    )


def test_the_load_file_downloads_from_the_cycle_page(
    login,
    cash_canan,
    programme,
    homes,
    cycle,  # noqa: F811
):
    _in_hand(cash_canan, programme, homes)
    answer = login(cash_canan).post(
        reverse("assistance:cycle_detail", args=[cycle.pk]), {"action": "load_file"}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert answer["Content-Disposition"].startswith('attachment; filename="load-MPC-URFA-1-')
    lines = answer.content.decode().splitlines()
    assert lines[0] == "CARD_NO;AMOUNT;CURRENCY;BENEFICIARY_REF;CYCLE"
    widow = cycle.entitlements.get(household=homes["widow"])
    assert f"C1001;{amount(widow.amount)};TRY;{homes['widow'].reference};MPC-URFA-1" in lines
    assert len(lines) == 3 and ProviderFile.objects.filter(kind="load").count() == 1


def test_a_bad_confirmation_shows_every_refused_line_and_loads_nothing(
    login,
    cash_canan,
    programme,
    homes,
    cycle,  # noqa: F811
):
    _in_hand(cash_canan, programme, homes)
    cards.load_file(cash_canan, cycle)
    widow = cycle.entitlements.get(household=homes["widow"])
    bad = _confirmation(
        [
            ["C1001", amount(widow.amount), "OK"],
            ["C1001", amount(widow.amount), "OK"],  # twice
            ["C9999", "10,00", "OK"],  # not in the load file
            ["C1002", "99999,00", "OK"],  # above the entitlement
            ["C1003", "abc", "OK"],
        ]
    )
    answer = login(cash_canan).post(
        reverse("assistance:cycle_detail", args=[cycle.pk]),
        {"action": "confirmation", "file": upload("bad.csv", bad)},
    )
    assert answer.status_code == 200
    page = text_of(answer)
    assert "Nothing was imported." in page
    for line in ("Line 3: card C1001 is listed twice", "Line 4: card C9999", "Line 5:", "Line 6:"):
        assert line in page
    assert not ProviderFile.objects.filter(kind="confirmation").exists()
    assert not Entitlement.objects.filter(loaded_at__isnull=False).exists()


def test_a_good_confirmation_then_redemptions_reconcile_and_balance(
    login,
    cash_canan,
    programme,
    homes,
    cycle,  # noqa: F811
):
    _in_hand(cash_canan, programme, homes)
    cards.load_file(cash_canan, cycle)
    client = login(cash_canan)
    url = reverse("assistance:cycle_detail", args=[cycle.pk])
    rows = [
        [e.card.serial, amount(e.amount), "OK"] for e in cycle.entitlements.select_related("card")
    ]
    answer = client.post(
        url, {"action": "confirmation", "file": upload("conf.csv", _confirmation(rows))}
    )
    assert answer.status_code == 302
    assert Entitlement.objects.filter(cycle=cycle, loaded_at__isnull=False).count() == 2
    client.post(url, {"action": "advance"})  # approved -> loaded
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.LOADED

    bad = _file(
        [
            ["T1", "C1001", "M100", "2026-12-03 10:00:00", "100,00", "food"],
            ["T1", "C1001", "M100", "2026-12-03 10:05:00", "50,00", "food"],  # repeated
            ["T3", "X999", "M100", "2026-12-03 10:00:00", "10,00", "food"],  # unknown card
            ["T4", "C1001", "M100", "yesterday", "10,00", "food"],
        ]
    )
    answer = client.post(url, {"action": "redemptions", "file": upload("bad.csv", bad)})
    assert answer.status_code == 200
    page = text_of(answer)
    assert "Nothing was imported." in page
    assert "Line 3: transaction T1 repeats line 2." in page
    assert "Line 4: card X999 is not a card of this programme." in page
    assert "Line 5: the time is not a date and time." in page
    assert not Redemption.objects.exists()

    good = _file(
        [
            ["T1", "C1001", "M100", "2026-12-03 10:00:00", "1000,00", "food"],
            ["T2", "C1002", "M100", "2026-12-03 11:00:00", "300,50", "food"],
        ]
    )
    answer = client.post(
        url, {"action": "redemptions", "file": upload("dec.csv", good)}, follow=True
    )
    page = text_of(answer)
    assert "2 transactions imported (0 already known); reconciliation updated." in page
    assert '<span class="badge text-bg-success">balances</span>' in page
    loaded_total = sum(e.amount for e in cycle.entitlements.all())
    outstanding = loaded_total - Decimal("1300.50")
    assert f"{loaded_total:,.2f} = 1,300.50 + {outstanding:,.2f} TRY" in re.sub(
        r"<[^>]+>", "", page
    )


def test_the_reconciliation_per_household_and_its_audited_export(
    login,
    cash_canan,
    homes,
    loaded,  # noqa: F811
):
    rows = [["T1", "C1001", "M100", "2026-12-03 10:00:00", "1000,00", "food"]]
    redemptions.import_redemptions(cash_canan, loaded, _file(rows))
    client = login(cash_canan)
    url = reverse("assistance:cycle_households", args=[loaded.pk])
    page = text_of(client.get(url))
    assert homes["widow"].reference in page and "C1001" in page and "1,000.00" in page

    answer = client.get(url, {"format": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[0] == ["Household", "Card", "Entitled", "Loaded", "Redeemed", "Outstanding"]
    widow = loaded.entitlements.get(household=homes["widow"])
    line = next(r for r in table if r[0] == homes["widow"].reference)
    assert line == [
        homes["widow"].reference,
        "C1001",
        f"{widow.amount:.2f}",
        f"{widow.amount:.2f}",
        "1000.00",
        f"{widow.amount - 1000:.2f}",
    ]
    assert len(table) == 3
    export = AuditEvent.objects.get(
        action=AuditEvent.Action.EXPORT,
        object_type="assistance.cycle",
        object_repr__startswith="reconciliation-MPC-URFA-1",
    )
    assert (export.actor, export.category, export.details["rows"]) == (cash_canan, "financial", 2)
    assert export.details["query"] == "format=csv"


# --- Vendors, warehouses, distributions -----------------------------------------------------


def test_a_vendor_is_added_on_the_vendors_page(login, cash_canan):
    client = login(cash_canan)
    url = reverse("assistance:vendor_list")
    haliliye = district("TR63", "Haliliye")
    form = {
        "code": "M300",
        "name": "Bereket market",
        "location": haliliye.pk,
        "address": "Atatürk Cd. 12",
        "phone": "",
        "categories": ["food", "hygiene"],
    }
    answer = client.post(url, form)
    assert answer.status_code == 302
    vendor = Vendor.objects.get(code="M300")
    assert (vendor.name, vendor.location, vendor.categories) == (
        "Bereket market",
        haliliye,
        ["food", "hygiene"],
    )
    page = text_of(client.get(url))
    assert "Bereket market" in page and "Food, Hygiene items" in page
    page = text_of(client.post(url, {**form, "name": "Another shop"}))
    assert "Another vendor has this merchant code." in page
    assert Vendor.objects.count() == 1


def test_a_warehouse_and_its_stock_are_recorded_on_the_warehouses_page(login, cash_canan):
    client = login(cash_canan)
    url = reverse("assistance:warehouse_list")
    haliliye = district("TR63", "Haliliye")
    answer = client.post(url, {"action": "new", "name": "Haliliye depot", "location": haliliye.pk})
    assert answer.status_code == 302
    depot = Warehouse.objects.get()  # noqa: F811
    assert (depot.name, depot.location) == ("Haliliye depot", haliliye)
    move = {"action": "move", "warehouse": depot.pk, "item": "soap_bar", "note": ""}
    answer = client.post(url, {**move, "quantity": "200", "reason": "received"})
    assert answer.status_code == 302
    assert inkind.stock(depot) == {"soap_bar": 200}
    page = text_of(client.post(url, {**move, "quantity": "-20", "reason": "loss"}))
    assert "Say what happened." in page
    assert inkind.stock(depot) == {"soap_bar": 200}
    page = text_of(client.get(url))
    assert re.search(r"<td>Bar soap</td><td[^>]*>200</td>", page)


def test_a_distribution_is_planned_and_a_kit_handed_over_on_the_pages(
    login,
    cash_canan,
    homes,
    haliliye_centre,
    kit_cycle,  # noqa: F811
    depot,  # noqa: F811
):
    stock_up(cash_canan, depot, kits=2)
    client = login(cash_canan)
    answer = client.post(
        reverse("assistance:cycle_detail", args=[kit_cycle.pk]),
        {
            "action": "distribution",
            "site": haliliye_centre.pk,
            "warehouse": depot.pk,
            "day": "2026-12-05",
        },
    )
    distribution = kit_cycle.distributions.get()
    url = reverse("assistance:distribution_detail", args=[distribution.pk])
    assert answer.status_code == 302 and answer["Location"] == url
    page = text_of(client.get(url))
    assert "0 of 2 households have received." in page and "can make up 2 more kits" in page
    line = distribution.lines.get(household=homes["widow"])
    answer = client.post(
        url,
        {
            "action": "receipt",
            "receipt": line.pk,
            "receiver": "recipient",
            "person": _head(homes["widow"]).pk,
            "proxy_name": "",
            "proxy_document": "",
            "confirmation": "thumbprint",
        },
        follow=True,
    )
    page = text_of(answer)
    assert f"Kit handed over to {homes['widow'].reference}." in page
    assert "1 of 2 households have received." in page
    line = Receipt.objects.get(pk=line.pk)
    assert line.received_at and line.person == _head(homes["widow"])
    assert inkind.kits_in_stock(depot, "hygiene_kit") == 1


# --- Complaints -----------------------------------------------------------------------------


def test_a_complaint_is_recorded_and_answered_on_its_pages(login, cash_canan, programme, homes):
    client = login(cash_canan)
    url = reverse("assistance:complaint_list")
    answer = client.post(
        url,
        {
            "channel": "hotline",
            "category": "card_problem",
            "programme": programme.pk,
            "household": homes["widow"].reference,
            "text": "The PIN does not work at the market.",
        },
    )
    assert answer.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.household, complaint.programme, complaint.received_by) == (
        homes["widow"],
        programme,
        cash_canan,
    )
    page = text_of(client.get(url))
    assert "Card or PIN problem" in page and homes["widow"].reference in page
    assert "1 received: 1 open, 0 answered, 0 closed." in page
    detail = reverse("assistance:complaint_detail", args=[complaint.pk])
    assert "The PIN does not work at the market." in text_of(client.get(detail))
    answer = client.post(detail, {"response": "A new PIN was sent by SMS."})
    complaint.refresh_from_db()
    assert answer.status_code == 302
    assert (complaint.status, complaint.answered_by) == ("answered", cash_canan)
    assert complaint.answered_at and complaint.response == "A new PIN was sent by SMS."
    page = text_of(client.get(url))
    assert "1 received: 0 open, 1 answered, 0 closed." in page


def test_a_complaint_with_an_unknown_household_is_not_recorded(login, cash_canan):
    page = text_of(
        login(cash_canan).post(
            reverse("assistance:complaint_list"),
            {"channel": "box", "category": "thanks", "household": "TRH-0000-0000-0", "text": "Hi"},
        )
    )
    assert "No household has this reference." in page
    assert not Complaint.objects.exists()


def test_a_misconduct_complaint_is_hidden_from_the_officer_pages(
    login, cash_canan, head_kemal, programme
):
    client = login(cash_canan)
    url = reverse("assistance:complaint_list")
    client.post(
        url,
        {
            "channel": "help_desk",
            "category": "misconduct",
            "programme": programme.pk,
            "household": "",
            "text": "A volunteer asked for money to keep us on the list.",
        },
    )
    complaint = Complaint.objects.get()
    detail = reverse("assistance:complaint_detail", args=[complaint.pk])
    page = text_of(client.get(url))
    assert detail not in page and "0 received" in page
    assert client.get(detail).status_code == 403
    client = login(head_kemal)
    assert detail in text_of(client.get(url))
    assert "asked for money" in text_of(client.get(detail))


def test_a_role_without_assistance_gets_no_page(login, dr_ayse, programme):
    client = login(dr_ayse)
    assert client.get(reverse("assistance:home")).status_code == 403
    assert (
        client.get(reverse("assistance:programme_detail", args=[programme.pk])).status_code == 403
    )


# --- Monitoring -----------------------------------------------------------------------------


def test_the_sample_is_drawn_and_an_interview_recorded_on_the_pages(
    login,
    cash_canan,
    homes,
    loaded,  # noqa: F811
):
    client = login(cash_canan)
    url = reverse("assistance:cycle_detail", args=[loaded.pk])
    page = text_of(client.post(url, {"action": "sample"}, follow=True))
    assert "2 households drawn for monitoring." in page
    widow = loaded.pdm.get(household=homes["widow"])
    interview = reverse("assistance:pdm_interview", args=[widow.pk])
    assert interview in page
    answers = {
        "spent_on": ["food", "rent"],
        "problems": ["none"],
        "received_full": "yes",
        "feedback": "",
    }
    page = text_of(client.post(interview, answers))  # the satisfaction is missing
    assert "Answer the question: How satisfied is the household (1 not at all, 5 very)?" in page
    widow.refresh_from_db()
    assert widow.answered_at is None
    answer = client.post(interview, {**answers, "satisfaction": "4"})
    assert answer.status_code == 302 and answer["Location"] == url
    widow.refresh_from_db()
    assert widow.answers["spent_on"] == ["food", "rent"] and widow.answers["satisfaction"] == 4
    page = text_of(client.get(url))
    assert "2 households drawn; 1 interviewed, 0 declined." in page
    assert "Rent: 1 (100%)" in page and "Mean: 4 of 5" in page
    page = text_of(client.post(url, {"action": "sample"}))
    assert "The sample of this cycle is drawn already." in page
    assert loaded.pdm.count() == 2


def test_an_officer_of_another_province_neither_sees_nor_works_on_the_programme(
    login, istanbul_team, programme, homes
):
    from django.core.exceptions import PermissionDenied

    from kopru.assistance import services
    from kopru.core.tests.factories import make_user

    elif_ = make_user("cash_elif", "cash_officer", teams=[istanbul_team])
    client = login(elif_)
    assert programme.code not in client.get("/assistance/").content.decode()
    assert client.get(f"/assistance/programmes/{programme.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.run_targeting(elif_, programme)
    assert not programme.runs.exists()
