"""Post-distribution monitoring and complaints: the sample is drawn once among the households a
cycle reached, in the size the mission's rules give; interviews are checked against the
questions; the summary gives shares and the mean score. Complaints come by a known channel,
are answered once, late after the mission's days, and one about misconduct is seen only by
those who approve."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.assistance import cards, monitoring, services
from kopru.assistance.models import Card, Complaint, PdmResponse
from kopru.core.tests.factories import mission

from .test_cards import _confirmation, _head

pytestmark = pytest.mark.django_db

RULES = json.loads(
    (Path(monitoring.__file__).resolve().parent / "data" / "monitoring.json").read_text(
        encoding="utf-8"
    )
)
GOOD = {
    "spent_on": ["food", "rent"],
    "problems": ["none"],
    "received_full": "yes",
    "satisfaction": "5",
    "feedback": "Thank you, it paid the rent.",
}


@pytest.fixture
def cycle3(programme, homes, cash_canan, head_kemal):
    """All three households on the list: the widow by her score, the others by the officer."""
    run = services.run_targeting(cash_canan, programme)
    for key in ("couple", "alone"):
        candidate = run.candidates.get(household=homes[key])
        services.decide(cash_canan, candidate, include=True, reason="Seen at a home visit")
    services.approve_run(head_kemal, run)
    cycle = services.create_cycle(
        cash_canan, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )
    services.advance_cycle(head_kemal, cycle)
    return cycle


def reach(officer, programme, cycle, homes, loaded):
    """Cards in every household's hand; the provider loads those of `loaded`, fails the rest."""
    keys = ("widow", "couple", "alone")
    cards.receive_cards(officer, programme, [f"P{n}" for n in range(len(keys))])
    for n, key in enumerate(keys):
        card = Card.objects.get(serial=f"P{n}")
        cards.assign_card(officer, card, homes[key])
        cards.hand_over(officer, card, recipient=_head(homes[key]), confirmation="signature")
    cards.load_file(officer, cycle)
    ok = {homes[k].pk for k in loaded}
    rows = [
        [
            e.card.serial,
            f"{e.amount:.2f}".replace(".", ","),
            "OK" if e.household_id in ok else "FAILED",
        ]
        for e in cycle.entitlements.select_related("card")
    ]
    cards.import_confirmation(officer, cycle, _confirmation(rows))


def test_the_sample_is_drawn_once_among_the_households_reached(
    programme, homes, cash_canan, cycle3
):
    with pytest.raises(ValidationError) as exc:
        monitoring.draw_sample(cash_canan, cycle3)
    assert "cycle" in exc.value.message_dict
    reach(cash_canan, programme, cycle3, homes, loaded=("widow", "alone"))
    assert monitoring.draw_sample(cash_canan, cycle3) == 2  # fewer reached than the minimum
    drawn = set(cycle3.pdm.values_list("household", flat=True))
    assert drawn == {homes["widow"].pk, homes["alone"].pk}  # the couple's load failed
    with pytest.raises(ValidationError) as exc:
        monitoring.draw_sample(cash_canan, cycle3, seed=7)
    assert exc.value.message_dict["cycle"] == ["The sample of this cycle is drawn already."]
    assert PdmResponse.objects.count() == 2


def test_the_sample_size_follows_the_missions_rule():
    rule = RULES["pdm"]["sample"]
    assert (rule["share"], rule["minimum"], rule["maximum"]) == (0.1, 5, 400)
    assert monitoring.sample_size(3) == 3  # all of them, fewer than the minimum
    assert monitoring.sample_size(30) == 5  # the minimum
    assert monitoring.sample_size(120) == 12  # a tenth
    assert monitoring.sample_size(20000) == 400  # the maximum


def test_a_draw_takes_as_many_as_the_rule_says_among_the_reached(
    programme, homes, cash_canan, cycle3, monkeypatch
):
    """The rule is data: with a half and no minimum, two of three reached are drawn."""
    rules = json.loads(json.dumps(RULES))
    rules["pdm"]["sample"] = {"share": 0.5, "minimum": 1, "maximum": 400}
    monkeypatch.setattr(monitoring, "_data", lambda: rules)
    reach(cash_canan, programme, cycle3, homes, loaded=("widow", "couple", "alone"))
    assert monitoring.draw_sample(cash_canan, cycle3, seed=11) == 2
    assert cycle3.pdm.count() == 2


@pytest.fixture
def sampled(programme, homes, cash_canan, cycle3):
    reach(cash_canan, programme, cycle3, homes, loaded=("widow", "couple", "alone"))
    monitoring.draw_sample(cash_canan, cycle3, seed=3)
    return cycle3


def test_an_interview_is_checked_against_the_questions(sampled, cash_canan):
    response = sampled.pdm.first()
    for wrong in (
        {"spent_on": ["food", "lottery"]},  # not an option
        {"satisfaction": "6"},  # beyond the scale
        {"satisfaction": "0"},
        {"received_full": "maybe"},
        {"problems": []},
    ):
        with pytest.raises(ValidationError) as exc:
            monitoring.record_pdm(cash_canan, response, answers={**GOOD, **wrong})
        assert len(exc.value.message_dict["answers"]) == 1, wrong
    response.refresh_from_db()
    assert response.answered_at is None and response.answers == {}

    monitoring.record_pdm(cash_canan, response, answers=GOOD)
    response.refresh_from_db()
    assert response.answers["satisfaction"] == 5 and response.answers["received_full"] is True
    with pytest.raises(ValidationError):
        monitoring.record_pdm(cash_canan, response, answers=GOOD)


def test_a_household_may_decline_without_answers(sampled, cash_canan):
    response = sampled.pdm.first()
    monitoring.record_pdm(cash_canan, response, refused=True)
    response.refresh_from_db()
    assert response.refused and response.answered_at and response.answers == {}


def test_the_summary_gives_shares_of_those_interviewed_and_the_mean(sampled, cash_canan):
    first, second, third = sampled.pdm.all()
    monitoring.record_pdm(cash_canan, first, answers=GOOD)
    monitoring.record_pdm(
        cash_canan,
        second,
        answers={
            "spent_on": ["food", "health"],
            "problems": ["prices_raised"],
            "received_full": "no",
            "satisfaction": "2",
            "feedback": "",
        },
    )
    monitoring.record_pdm(cash_canan, third, refused=True)
    summary = monitoring.pdm_summary(sampled)
    assert (summary["sampled"], summary["interviewed"], summary["refused"]) == (3, 2, 1)
    by_code = {q["code"]: q for q in summary["questions"]}
    assert [(o["name"], o["n"], o["share"]) for o in by_code["spent_on"]["options"]] == [
        ("Food", 2, 100),
        ("Rent", 1, 50),
        ("Health", 1, 50),
    ]
    assert (by_code["received_full"]["yes"], by_code["received_full"]["share"]) == (1, 50)
    assert by_code["satisfaction"]["mean"] == 3.5
    assert by_code["feedback"]["texts"] == ["Thank you, it paid the rent."]


# --- Complaints -----------------------------------------------------------------------------


def complaint(programme, household=None, **fields):
    return Complaint(
        mission=mission("TR"),
        programme=programme,
        household=household,
        **{
            "channel": "hotline",
            "category": "card_problem",
            "text": "The market refused the card.",
            **fields,
        },
    )


def test_a_complaint_comes_by_a_known_channel(programme, homes, cash_canan, clerk_zeynep):
    with pytest.raises(ValidationError) as exc:
        monitoring.log_complaint(cash_canan, complaint(programme, homes["widow"], channel="pigeon"))
    assert exc.value.message_dict["channel"] == ["Say how the complaint came in."]
    with pytest.raises(ValidationError) as exc:
        monitoring.log_complaint(cash_canan, complaint(programme, text="  "))
    assert "text" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # the clerk does not take them
        monitoring.log_complaint(clerk_zeynep, complaint(programme))
    assert not Complaint.objects.exists()
    logged = monitoring.log_complaint(cash_canan, complaint(programme, homes["widow"]))
    assert (logged.status, logged.received_by) == ("open", cash_canan)


def test_an_answer_is_timed_once_and_sets_the_status(programme, cash_canan, head_kemal):
    c = monitoring.log_complaint(cash_canan, complaint(programme))
    monitoring.answer_complaint(cash_canan, c, response="A new card is on its way.")
    c.refresh_from_db()
    first = c.answered_at
    assert (c.status, c.answered_by, c.response) == (
        "answered",
        cash_canan,
        "A new card is on its way.",
    )
    assert first is not None
    monitoring.answer_complaint(head_kemal, c, response="New card handed over.", close=True)
    c.refresh_from_db()
    assert (c.status, c.answered_at, c.answered_by) == ("closed", first, cash_canan)
    assert c.response == "New card handed over." and c.closed_at
    with pytest.raises(ValidationError):
        monitoring.answer_complaint(cash_canan, c, response="Again")
    with pytest.raises(ValidationError):
        monitoring.answer_complaint(
            cash_canan, monitoring.log_complaint(cash_canan, complaint(programme)), response=" "
        )


def test_misconduct_is_seen_only_by_those_who_approve(programme, cash_canan, head_kemal):
    card = monitoring.log_complaint(cash_canan, complaint(programme))
    misconduct = monitoring.log_complaint(
        cash_canan,
        complaint(programme, category="misconduct", text="A volunteer asked for money."),
    )
    assert list(monitoring.visible(cash_canan, Complaint.objects.all())) == [card]
    assert set(monitoring.visible(head_kemal, Complaint.objects.all())) == {card, misconduct}
    assert not monitoring.may_see(cash_canan, misconduct)
    assert monitoring.may_see(head_kemal, misconduct) and monitoring.may_see(cash_canan, card)
    with pytest.raises(PermissionDenied):
        monitoring.answer_complaint(cash_canan, misconduct, response="Looked into it.")
    monitoring.answer_complaint(
        head_kemal, misconduct, response="Referred to the PSEA focal point."
    )
    assert Complaint.objects.get(pk=misconduct.pk).status == "answered"


def test_a_complaint_unanswered_beyond_the_days_is_overdue(programme, cash_canan):
    days = RULES["complaints"]["answer_within_days"]
    now = timezone.now()
    late = monitoring.log_complaint(
        cash_canan, complaint(programme, received_at=now - timedelta(days=days, hours=1))
    )
    recent = monitoring.log_complaint(
        cash_canan, complaint(programme, received_at=now - timedelta(days=days - 1))
    )
    assert monitoring.overdue(late) and not monitoring.overdue(recent)
    assert monitoring.complaint_summary(Complaint.objects.all())["overdue"] == 1
    monitoring.answer_complaint(cash_canan, late, response="Called back.")
    assert not monitoring.overdue(late)
    summary = monitoring.complaint_summary(Complaint.objects.all())
    assert (summary["overdue"], summary["open"], summary["answered"]) == (0, 1, 1)
    with pytest.raises(ValidationError) as exc:  # nor from the future
        monitoring.log_complaint(
            cash_canan, complaint(programme, received_at=now + timedelta(days=1))
        )
    assert "received_at" in exc.value.message_dict
