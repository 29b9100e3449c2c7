"""The psychosocial pages as a team meets them: the one-screen activity sheet (sent twice,
stored once; a refused sheet keeps what was typed), the week plan, a programme's register,
a questionnaire asked in Arabic that raises a safety alert, the alert closed with its notes,
and participants' feedback summed up per activity."""

import json
import re
import uuid
import zoneinfo
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from kopru.core.models import AuditEvent
from kopru.mhpss import services as mhpss
from kopru.mhpss.models import Activity, Feedback, MeasureRecord, PlanItem, SafetyAlert
from kopru.services.models import Headcount, ServiceEvent

pytestmark = pytest.mark.django_db

MEASURES = Path(__file__).resolve().parents[1] / "data" / "measures.json"
# Total 10 (moderate); item 9 "thoughts that you would be better off dead": several days.
WORRYING = {1: 2, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1, 7: 0, 8: 0, 9: 1}


def local(mission, hours_ago=2):
    """A datetime-local input's value in the mission's time zone, as a browser sends it."""
    moment = timezone.now().astimezone(zoneinfo.ZoneInfo(mission.timezone))
    return (moment - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def sheet(team, place, **fields):
    """The activity sheet as the browser posts it: the form, the grid, the people rows."""
    return {
        "sheet": str(uuid.uuid4()),
        "kind": "awareness",
        "topic": "stress_coping",
        "team": team.pk,
        "at": local(team.mission),
        "location": place.pk,
        "modality": "mobile",
        "layer": "",
        "activity": "",
        "occasion": "",
        "findings": "",
        "language": "",
        "interpreter": "",
        "notes": "",
        "headcount_total": "",
        **fields,
    }


def text_of(response):
    return response.content.decode()


def register_rows(page):
    """The programme register's rows (not the attendance sheet's), as lists of cell texts."""
    table = page.split('class="table table-sm table-bordered small register"', 1)[1]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", " ", c).split() for c in cells])
    return rows


@pytest.fixture
def zehra(login, counsellor_zehra):
    return login(counsellor_zehra)


# --- The activity sheet -----------------------------------------------------------------------


def test_the_sheet_records_one_activity_and_shows_the_people_reached(
    zehra, sanliurfa_team, haliliye_centre, neighbours
):
    registered = neighbours[:3]
    answer = zehra.post(
        reverse("mhpss:activity_new"),
        sheet(
            sanliurfa_team,
            haliliye_centre,
            person=[p.pk for p in registered],
            **{"hc-female-18-59-0": "12", "hc-male-5-11-0": "4", "hc-female-60+-1": "1"},
        ),
    )
    activity = Activity.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("mhpss:activity_detail", args=[activity.pk])
    assert activity.kind == "awareness" and activity.topic == "stress_coping"
    assert set(activity.event.participants.values_list("person_id", flat=True)) == {
        p.pk for p in registered
    }
    assert sum(h.count for h in Headcount.objects.filter(event=activity.event)) == 17

    detail = text_of(zehra.get(answer["Location"]))
    assert "Stress and ways of coping" in detail
    assert "20 people reached" in detail  # 3 registered + 17 counted
    for person in registered:
        assert person.reference in detail


def test_the_activity_list_counts_the_same_people_as_the_activity_page(
    zehra, sanliurfa_team, haliliye_centre, neighbours
):
    answer = zehra.post(
        reverse("mhpss:activity_new"),
        sheet(
            sanliurfa_team,
            haliliye_centre,
            person=[p.pk for p in neighbours[:3]],
            **{"hc-female-18-59-0": "12", "hc-male-5-11-0": "5"},
        ),
    )
    assert "20 people reached" in text_of(zehra.get(answer["Location"]))
    listing = text_of(zehra.get(reverse("mhpss:activity_list")))
    (row,) = [r for r in re.findall(r"<tr>(.*?)</tr>", listing, re.S) if answer["Location"] in r]
    cells = [
        re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[1][:2] == ["Awareness", "session"] and "Stress" in cells[1]
    assert cells[-1] == ["20"]  # "People": 3 registered and 17 counted


def test_the_same_sheet_sent_twice_stores_one_activity(
    zehra, sanliurfa_team, haliliye_centre, neighbours
):
    data = sheet(
        sanliurfa_team,
        haliliye_centre,
        person=[neighbours[0].pk],
        **{"hc-female-18-59-0": "12"},
    )
    first = zehra.post(reverse("mhpss:activity_new"), data)
    again = zehra.post(reverse("mhpss:activity_new"), data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Activity.objects.count() == 1 and ServiceEvent.objects.count() == 1
    assert Headcount.objects.count() == 1


def test_a_sheet_without_the_topic_says_so_and_keeps_the_counts_typed(
    zehra, sanliurfa_team, haliliye_centre, neighbours
):
    page = zehra.post(
        reverse("mhpss:activity_new"),
        sheet(
            sanliurfa_team,
            haliliye_centre,
            topic="",
            person=[neighbours[0].pk, neighbours[1].pk],
            **{"hc-female-18-59-0": "12", "hc-male-0-4-1": "3"},
        ),
    )
    assert page.status_code == 200
    text = text_of(page)
    assert "Choose the topic of the awareness session." in text
    assert 'name="hc-female-18-59-0" value="12"' in text
    assert 'name="hc-male-0-4-1" value="3"' in text
    assert 'name="hc-male-18-59-0" value=""' in text
    # The people already added stay on the sheet.
    for person in neighbours[:2]:
        assert f'<input type="hidden" name="person" value="{person.pk}">' in text
    assert not Activity.objects.exists() and not ServiceEvent.objects.exists()


def test_an_individual_session_with_two_people_is_refused(
    zehra, sanliurfa_team, haliliye_centre, amina, neighbours
):
    page = zehra.post(
        reverse("mhpss:activity_new"),
        sheet(
            sanliurfa_team,
            haliliye_centre,
            kind="individual_focused",
            topic="",
            person=[amina.pk, neighbours[0].pk],
        ),
    )
    assert page.status_code == 200
    assert "An individual session is with one person: keep one row." in text_of(page)
    assert not Activity.objects.exists() and not ServiceEvent.objects.exists()


# --- The week plan ----------------------------------------------------------------------------


def test_the_week_plan_adds_an_item_and_shows_it(zehra, sanliurfa_team, haliliye_centre):
    day = timezone.localdate() + timedelta(days=2)
    page = zehra.post(
        reverse("mhpss:plan"),
        {
            "team": sanliurfa_team.pk,
            "day": day.isoformat(),
            "location": haliliye_centre.pk,
            "kind": "awareness",
            "topic": "psea",
            "notes": "Bring the flip chart for the mothers' group",
        },
        follow=True,
    )
    assert page.status_code == 200
    item = PlanItem.objects.get()
    assert (item.team, item.day, item.location, item.kind) == (
        sanliurfa_team,
        day,
        haliliye_centre,
        "awareness",
    )
    text = text_of(page)
    assert "Added to the plan." in text
    assert "Protection from sexual exploitation and abuse" in text
    assert "Bring the flip chart for the mothers" in text
    assert f"{reverse('mhpss:activity_new')}?plan={item.pk}" in text  # it can be recorded


# --- A structured programme -------------------------------------------------------------------


def test_the_programme_page_records_a_session_and_shows_the_register(
    zehra, counsellor_zehra, sanliurfa_team, haliliye_centre, neighbours
):
    came, absent = neighbours[0], neighbours[1]
    programme = mhpss.create_programme(
        counsellor_zehra,
        sanliurfa_team,
        name="Mothers' stress group",
        location=haliliye_centre,
        starts_on=timezone.localdate() - timedelta(days=7),
        sessions=2,
        threshold=50,
        participants=[came, absent],
    )
    url = reverse("mhpss:programme_detail", args=[programme.pk])
    answer = zehra.post(
        url,
        {
            "step": "session",
            "number": "1",
            "at": local(sanliurfa_team.mission),
            "person": [came.pk],
            "sheet": str(uuid.uuid4()),
        },
    )
    assert answer.status_code == 302 and answer["Location"] == url
    run = programme.runs.get()
    assert run.number == 1
    assert list(run.activity.event.participants.values_list("person_id", flat=True)) == [came.pk]

    page = text_of(zehra.get(url))
    rows = {r[0][-1]: r for r in register_rows(page)}  # keyed by reference
    present, missing = rows[came.reference], rows[absent.reference]
    assert present[1] == ["✓"] and present[2] == []  # session 1 ticked, session 2 not yet
    assert present[3] == ["50"] and present[4] == ["completed"]
    assert missing[1] == [] and missing[3] == ["0"] and missing[4] == []
    assert "1 participant completed" in page


# --- Outcome measures and safety alerts -------------------------------------------------------


def test_the_phq9_is_asked_in_arabic_right_to_left(zehra, amina):
    page = zehra.get(reverse("mhpss:measure_new", args=[amina.pk, "phq9"]), {"language": "ar"})
    assert page.status_code == 200
    text = text_of(page)
    spec = next(
        i for i in json.loads(MEASURES.read_text("utf-8"))["instruments"] if i["code"] == "phq9"
    )
    block = text.split('<div lang="ar" dir="rtl"', 1)[1].split("</form>", 1)[0]
    for item in spec["items"]:
        assert item["texts"]["ar"] in block, item["n"]
        assert item["texts"]["en"] not in text
    assert spec["options"][3]["labels"]["ar"] in block


def test_a_phq9_with_item_9_raises_an_alert_the_supervisor_sees(
    zehra, login, counsellor_zehra, supervisor_derya, amina, haliliye_centre
):
    answer = zehra.post(
        reverse("mhpss:measure_new", args=[amina.pk, "phq9"]),
        {
            "uid": str(uuid.uuid4()),
            "language": "ar",
            "phase": "pre",
            "at": local(amina.mission),
            "location": haliliye_centre.pk,
            "programme": "",
            **{f"item_{n}": str(v) for n, v in WORRYING.items()},
        },
    )
    alert = SafetyAlert.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("mhpss:alert_detail", args=[alert.pk])
    record = MeasureRecord.objects.get()
    assert (record.total, record.band, record.language) == (10, "moderate", "ar")
    assert alert.person == amina and alert.supervisor == supervisor_derya

    queue = login(supervisor_derya).get(reverse("mhpss:alert_list"))
    text = text_of(queue)
    assert reverse("mhpss:alert_detail", args=[alert.pk]) in text
    assert amina.reference in text and "waiting for action" in text


@pytest.fixture
def alert(counsellor_zehra, supervisor_derya, amina, haliliye_centre):
    mhpss.record_measure(
        counsellor_zehra,
        amina,
        instrument="phq9",
        answers=WORRYING,
        language="ar",
        phase="pre",
        at=timezone.now() - timedelta(hours=1),
        location=haliliye_centre,
    )
    return SafetyAlert.objects.get()


def test_the_alert_page_closes_only_with_notes(zehra, alert):
    url = reverse("mhpss:alert_detail", args=[alert.pk])
    refused = zehra.post(url, {"step": "action", "action": "safety_plan", "notes": "  "})
    assert refused.status_code == 200
    assert "This field is required." in text_of(refused)
    alert.refresh_from_db()
    assert alert.open and alert.action == ""

    closed = zehra.post(
        url,
        {
            "step": "action",
            "action": "safety_plan",
            "notes": "Risk assessed with her; safety plan agreed, call tomorrow.",
        },
        follow=True,
    )
    alert.refresh_from_db()
    assert not alert.open and alert.action == "safety_plan"
    text = text_of(closed)
    assert "Action recorded; the alert is closed." in text
    assert "Risk assessed with her; safety plan agreed, call tomorrow." in text
    assert "Save the action" not in text  # no second action form


def test_a_caseworker_cannot_open_a_persons_measures(login, caseworker_omer, amina, alert):
    client = login(caseworker_omer)
    for url in (
        reverse("mhpss:person_measures", args=[amina.pk]),
        reverse("mhpss:measure_new", args=[amina.pk, "phq9"]),
        reverse("mhpss:alert_detail", args=[alert.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert not AuditEvent.objects.filter(action="view", actor=caseworker_omer).exists()


def test_the_counsellor_reads_the_measures_and_the_read_is_audited(zehra, amina, alert):
    page = zehra.get(reverse("mhpss:person_measures", args=[amina.pk]))
    assert page.status_code == 200
    text = text_of(page)
    assert "Patient Health Questionnaire (PHQ-9)" in text and "Moderate" in text
    entry = AuditEvent.objects.get(action="view", object_type="registry.person")
    assert entry.object_id == str(amina.pk) and entry.category == "mental_health"


# --- Feedback ---------------------------------------------------------------------------------


def test_feedback_after_a_group_activity_is_summed_up_with_its_mean(
    zehra, counsellor_zehra, sanliurfa_team, haliliye_centre
):
    activity = mhpss.record_activity(
        counsellor_zehra,
        sanliurfa_team,
        kind="awareness",
        topic="parenting_skills",
        at=timezone.now() - timedelta(hours=3),
        location=haliliye_centre,
        headcounts=[{"sex": "female", "age_band": "18-59", "disability": False, "count": 9}],
    )
    url = reverse("mhpss:activity_detail", args=[activity.pk])
    answers = [
        {"satisfied": "4", "useful": "5", "safe": "yes", "recommend": "yes", "comment": ""},
        {
            "satisfied": "5",
            "useful": "2",
            "safe": "yes",
            "recommend": "no",
            "comment": "Fathers too",
        },
    ]
    for answer in answers:
        saved = zehra.post(url, {"uid": str(uuid.uuid4()), **answer})
        assert saved.status_code == 302 and saved["Location"] == url
    assert Feedback.objects.filter(activity=activity).count() == 2
    assert "2 forms recorded" in text_of(zehra.get(url))

    summary = text_of(zehra.get(reverse("mhpss:feedback_summary")))
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", summary, re.S) if "Awareness session" in r)
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[:7] == [
        "Awareness session",
        sanliurfa_team.name,
        "2",
        "4.5",
        "3.5",
        "100%",
        "50%",
    ]
    assert "Fathers too" in cells[7]


def test_the_activity_list_exports_what_was_done_and_how_many_never_who(
    client, login, counsellor_zehra, sanliurfa_team, haliliye_centre, neighbours
):
    from django.utils import timezone as tz

    from kopru.core.models import AuditEvent
    from kopru.mhpss import services as mhpss

    mhpss.record_activity(
        counsellor_zehra,
        sanliurfa_team,
        kind="awareness",
        topic="parenting_skills",
        at=tz.now() - tz.timedelta(hours=2),
        location=haliliye_centre,
        participants=neighbours[:2],
        headcounts=[{"sex": "female", "age_band": "18-59", "disability": False, "count": 7}],
    )
    login(counsellor_zehra)
    response = client.get("/mhpss/activities/?format=csv")
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    row = body.splitlines()[1].split(",")
    assert row[1:4] == ["Awareness session", "2", "Parenting skills"] and row[-2:] == ["2", "7"]
    assert neighbours[0].family_name not in body and neighbours[0].reference not in body
    assert AuditEvent.objects.filter(action="export", object_type="mhpss.activity").exists()
