"""The Belarus mission's quarterly report shows the trainings, their participants' test
improvement, the council and the recommendations (read through the report page); the
days held count as services; another mission's report has no such panel. The demo loads
its quarter once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kopru.capacity import council, trainings
from kopru.capacity.models import Council, Member, Participant, Recommendation, Training
from kopru.core import demo
from kopru.core.tests.factories import location, mission
from kopru.reporting import report
from kopru.reporting.engine import Scope
from kopru.services.models import ServiceEvent

from .test_trainings import plan, staff, tb_course  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _page(client, user, start, end):
    client.force_login(user)
    return client.get(
        reverse("reporting:quarterly"),
        {"period": "custom", "start": start.isoformat(), "end": end.isoformat()},
    )


def test_the_report_page_shows_the_trainings_and_the_improvement(
    client,
    no_otp,
    tb_course,  # noqa: F811
    officer_alena,
    minsk_me_officer,
):
    training, (tatsiana, siarhei, volha) = tb_course
    trainings.record_day(
        officer_alena, training, day=training.starts_on, present=[tatsiana, siarhei]
    )
    trainings.record_day(officer_alena, training, day=training.ends_on, present=[tatsiana, volha])
    trainings.record_scores(
        officer_alena,
        training,
        {tatsiana.pk: ("10", "16"), siarhei.pk: ("11", "17"), volha.pk: ("12", None)},
    )
    page = _page(client, minsk_me_officer, training.starts_on, timezone.localdate())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Capacity building, coordination council and legislation review" in text
    rows = {row.label: row.value for row in page.context["r"].panels[0].rows}
    assert rows["Trainings held"] == "1"
    assert rows["Participants (distinct)"] == "3"
    assert rows["Participants with both tests"] == "2"
    assert rows["Mean pre-test (of the maximum score)"] == "52 %"
    assert rows["Mean post-test (of the maximum score)"] == "82 %"
    assert rows["Mean improvement"] == "6.0 points (30 % of the maximum)"
    assert rows["Share improved"] == "100 %"
    assert "6.0 points (30 % of the maximum)" in text
    # Two days held: two group services with 2 people each, counted by the report.
    period = report.Period("custom", training.starts_on, timezone.localdate())
    built = report.build(Scope(mission("BY"), period.start, period.end), period)
    assert (built.figures.services, built.figures.headcount) == (2, 4)


def test_a_shared_report_hides_test_figures_of_few_people(tb_course, officer_alena):  # noqa: F811
    training, (tatsiana, siarhei, _volha) = tb_course
    trainings.record_day(officer_alena, training, day=training.starts_on, present=[tatsiana])
    trainings.record_scores(officer_alena, training, {tatsiana.pk: ("10", "16")})
    period = report.Period("custom", training.starts_on, timezone.localdate())
    built = report.build(Scope(mission("BY"), period.start, period.end), period, shared=True)
    rows = {row.label: row for row in built.panels[0].rows}
    assert rows["Mean improvement"].hidden and not rows["Trainings held"].hidden


def test_council_and_recommendations_in_the_panel_and_none_elsewhere(
    officer_alena, minsk_office, minsk_me_officer
):
    today = timezone.localdate()
    body = council.save_council(
        officer_alena, Council(mission=mission("BY"), name="Council", location=location("BY02"))
    )
    chair = council.save_member(
        officer_alena,
        Member(council=body, name="Chair", organisation="MoH", role="chair", from_date=today),
    )
    meeting = council.record_meeting(
        officer_alena, body, held_on=today, venue="Minsk", agenda="Plan", present=[chair]
    )
    council.add_action_item(officer_alena, meeting, text="Plan", due_on=today, owner_member=chair)
    period = report.Period("custom", today, today)
    built = report.build(Scope(mission("BY"), today, today), period)
    rows = {row.label: row.value for row in built.panels[0].rows}
    assert rows["Council meetings held"] == "1" and rows["Action items open"] == "1"
    assert rows["Action items overdue"] == "0"
    assert "Trainings held" not in rows
    assert report.build(Scope(mission("TR"), today, today), period).panels == []


def test_the_demo_loads_a_quarter_once(db, monkeypatch):
    from kopru.capacity.hooks import _demo_governance

    monkeypatch.setattr(demo, "LOADERS", [_demo_governance])
    demo.load_demo()
    counts = (Training.objects.count(), Participant.objects.count(), Recommendation.objects.count())
    events = ServiceEvent.objects.filter(service_type__code="migration_health_training").count()
    assert counts[0] == 5 and 60 <= counts[1] <= 90 and 8 <= counts[2] <= 10 and events >= 5
    found = trainings.results(Training.objects.all())
    assert 50 <= found.mean_pre_pct <= 60 and 75 <= found.mean_post_pct <= 85
    demo.load_demo()
    assert (
        Training.objects.count(),
        Participant.objects.count(),
        Recommendation.objects.count(),
    ) == counts
    assert (
        ServiceEvent.objects.filter(service_type__code="migration_health_training").count()
        == events
    )
