"""Health needs surveys: the forms' skip logic and rules, a response typed in, a Kobo export
taken in whole or not at all, the summary, and who sees what."""

import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from kopru.capacity import survey_forms, survey_summary, surveys
from kopru.capacity.models import SurveyImport, SurveyResponse
from kopru.core.models import AuditEvent
from kopru.core.tests.factories import mission

MIGRANTS = "migrant_health_needs"
FACILITIES = "facility_capacity"


def answers(**changes):
    base = {
        "province": "BY02",
        "interview_date": "2026-10-05",
        "sex": "female",
        "age_band": "18-59",
        "nationality": "AFG",
        "household_size": "4",
        "time_in_country": "1_3y",
        "insurance": "none",
        "has_chronic": "no",
        "needed_care": "yes",
        "barriers": ["language", "cost"],
        "covid_doses": "0",
        "covid_why_not": "not_offered",
        "interpreter_needed": "no",
        "comments": "Needs a Dari-speaking doctor",
    }
    return {**base, **changes}


# --- The expression language ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, values, expected",
    [
        ("${a} = 'yes'", {"a": "yes"}, True),
        ("${a} = 'yes'", {}, False),
        ("${n} > 1 and ${n} <= 3", {"n": 3}, True),
        ("${n} > 1 and ${n} <= 3", {"n": "4"}, False),
        ("selected(${m}, 'x') or not(${a} = 'no')", {"m": ["y"], "a": "no"}, False),
        ("count-selected(${m}) >= 2", {"m": ["x", "y"]}, True),
        ("not ${a} != 'x'", {"a": "x"}, True),
        ("${n} < 'text'", {"n": 2}, False),  # no order between a number and a word
    ],
)
def test_skip_logic_expressions(text, values, expected):
    assert survey_forms.evaluate(survey_forms.parse(text), values) is expected


@pytest.mark.parametrize("text", ["__import__('os')", "${a} = ", "${a} == 'x'", "(${a}", "1 2"])
def test_anything_outside_the_small_language_is_refused(text):
    with pytest.raises(survey_forms.ExpressionError):
        survey_forms.parse(text)


def test_an_irrelevant_answer_is_dropped_and_a_relevant_required_one_is_asked_for(
    officer_alena,
):
    form = survey_forms.get(MIGRANTS)
    where = surveys.places(officer_alena, mission("BY"))
    clean, errors = survey_forms.clean(
        form, answers(covid_doses="2", chronic_conditions=["tb"], has_chronic="no"), where
    )
    assert errors == {}
    assert "covid_why_not" not in clean and "chronic_conditions" not in clean
    assert clean["barriers"] == ["language", "cost"] and clean["household_size"] == 4
    _clean, errors = survey_forms.clean(form, answers(has_chronic="yes"), where)
    assert errors == {"chronic_conditions": "This question needs an answer."}


def test_limits_choices_and_constraints_are_checked(officer_alena):
    where = surveys.places(officer_alena, mission("BY"))
    _c, errors = survey_forms.clean(
        survey_forms.get(MIGRANTS),
        answers(household_size="25", sex="unknown", interview_date="2999-01-01"),
        where,
    )
    assert errors == {
        "household_size": "At most 20.",
        "sex": "unknown is not one of the choices.",
        "interview_date": "The date is in the future.",
    }
    facility = {
        "district": "BY0201", "visit_date": "2026-10-01", "facility_name": "Polyclinic 2",
        "facility_type": "polyclinic", "serves_migrants": "no", "staff_total": "10",
        "staff_trained": "12", "languages": ["russian"], "interpreting": "none",
        "services": ["primary_care"], "barriers": ["language"],
    }  # fmt: skip
    _c, errors = survey_forms.clean(survey_forms.get(FACILITIES), facility, where)
    assert errors == {"staff_trained": "Cannot be more than the clinical staff."}


# --- Entering a response ---------------------------------------------------------------------


def test_a_response_typed_in_is_stored_once_as_health_data(officer_alena):
    uid = uuid.uuid4()
    first = surveys.record_response(officer_alena, mission("BY"), MIGRANTS, answers(), uid=uid)
    again = surveys.record_response(officer_alena, mission("BY"), MIGRANTS, answers(), uid=uid)
    assert first.pk == again.pk and SurveyResponse.objects.count() == 1
    assert first.location.pcode == "BY02" and str(first.collected_on) == "2026-10-05"
    entry = AuditEvent.objects.filter(object_type="capacity.surveyresponse").get()
    assert entry.category == "health"


def test_a_place_outside_the_team_is_refused_and_nothing_written(officer_pavel):
    with pytest.raises(ValidationError) as refused:
        surveys.record_response(officer_pavel, mission("BY"), MIGRANTS, answers())
    assert "province" in refused.value.message_dict
    assert not SurveyResponse.objects.exists()


def test_the_page_renders_the_form_and_saves_what_is_asked(login, officer_alena):
    client = login(officer_alena)
    page = client.get("/capacity/surveys/migrant_health_needs/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Which long-term illnesses?" in html and "data-relevant=" in html
    assert "kopru/survey.js" in html
    data = {**answers(covid_doses="2"), "uid": str(uuid.uuid4())}
    response = client.post("/capacity/surveys/migrant_health_needs/new/", data)
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert "covid_why_not" not in stored.answers  # hidden on the page, ignored by the server
    refused = client.post(
        "/capacity/surveys/migrant_health_needs/new/",
        {**answers(sex=""), "uid": str(uuid.uuid4())},
    )
    assert (
        refused.status_code == 200 and "This question needs an answer." in refused.content.decode()
    )
    assert SurveyResponse.objects.count() == 1


# --- Importing an export ---------------------------------------------------------------------

HEADER = [
    "start", "province", "interview_date", "demographics/sex", "demographics/age_band",
    "demographics/nationality", "demographics/household_size", "time_in_country", "insurance",
    "health/has_chronic", "health/chronic_conditions", "health/chronic_conditions/tb",
    "access/needed_care", "access/barriers", "covid_doses", "interpreter_needed", "comments",
    "meta/instanceID", "_id", "_uuid", "_submission_time",
]  # fmt: skip


def kobo_row(k, **changes):
    row = {
        "start": "2026-10-01T10:00:00", "province": "BY02", "interview_date": "2026-10-01",
        "demographics/sex": "male" if k % 2 else "female", "demographics/age_band": "18-59",
        "demographics/nationality": "SYR", "demographics/household_size": 3 + k,
        "time_in_country": "6_12m", "insurance": "none", "health/has_chronic": "yes",
        "health/chronic_conditions": "tb diabetes", "health/chronic_conditions/tb": 1,
        "access/needed_care": "no", "access/barriers": None, "covid_doses": 2,
        "interpreter_needed": "no", "comments": "free text",
        "meta/instanceID": f"uuid:sub-{k}", "_id": k, "_uuid": f"sub-{k}",
        "_submission_time": "2026-10-01T12:00:00",
    }  # fmt: skip
    return {**row, **changes}


def xlsx(rows, header=HEADER):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_of(rows, header=HEADER):
    lines = [";".join(header)]
    lines += [";".join("" if row.get(h) is None else str(row[h]) for h in header) for row in rows]
    return "\n".join(lines).encode()


def test_a_kobo_export_is_taken_in_once_with_group_paths(officer_alena):
    content = xlsx([kobo_row(0), kobo_row(1)])
    first = surveys.import_responses(officer_alena, mission("BY"), MIGRANTS, content, name="a.xlsx")
    assert (first["already"], first["stored"]) == (False, 2)
    stored = SurveyResponse.objects.get(submission_id="sub-1")
    assert stored.answers["chronic_conditions"] == ["tb", "diabetes"]
    assert stored.answers["household_size"] == 4 and stored.source == "imported"
    again = surveys.import_responses(officer_alena, mission("BY"), MIGRANTS, content)
    assert again["already"] is True
    # The same submissions in another file (a CSV export, semicolons) add nothing.
    other = surveys.import_responses(
        officer_alena, mission("BY"), MIGRANTS, csv_of([kobo_row(0), kobo_row(1), kobo_row(2)])
    )
    assert (other["stored"], other["skipped"]) == (1, 2)
    assert SurveyResponse.objects.count() == 3 and SurveyImport.objects.count() == 2


def test_an_export_with_bad_rows_and_columns_is_refused_whole(officer_alena):
    rows = [kobo_row(0), kobo_row(1, **{"demographics/sex": "x"}), kobo_row(2, _uuid=None)]
    rows[2]["meta/instanceID"] = None
    content = xlsx(rows, [*HEADER, "weight_kg"])
    with pytest.raises(ValidationError) as refused:
        surveys.import_responses(officer_alena, mission("BY"), MIGRANTS, content)
    problems = refused.value.message_dict["file"]
    assert "Column weight_kg is not a question of this form." in problems
    assert "Row 3, sex: x is not one of the choices." in problems
    assert "Row 4: no submission id (_uuid or meta/instanceID)." in problems
    assert not SurveyResponse.objects.exists() and not SurveyImport.objects.exists()


def test_a_file_of_another_type_is_refused(officer_alena):
    with pytest.raises(ValidationError) as refused:
        surveys.import_responses(
            officer_alena, mission("BY"), MIGRANTS, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
        )
    assert refused.value.message_dict["file"] == ["Upload a file of one of these types: XLSX, CSV."]


def test_the_import_page_lists_every_refused_row(login, officer_alena):
    client = login(officer_alena)
    upload = io.BytesIO(csv_of([kobo_row(0, covid_doses=9)]))
    upload.name = "export.csv"
    page = client.post("/capacity/surveys/migrant_health_needs/import/", {"file": upload})
    assert "Row 2, covid_doses: At most 6." in page.content.decode()


# --- Summary and access ----------------------------------------------------------------------


def test_the_summary_counts_choices_and_numbers_without_free_text(
    login, officer_alena, minsk_me_officer
):
    surveys.import_responses(
        officer_alena, mission("BY"), MIGRANTS, xlsx([kobo_row(0), kobo_row(1), kobo_row(2)])
    )
    client = login(minsk_me_officer)  # M&E: aggregate only
    page = client.get("/capacity/surveys/migrant_health_needs/").content.decode()
    assert "Tuberculosis" in page and "100.0 %" in page
    assert "mean 4 · median 4 · minimum 3 · maximum 5" in page
    csv_text = client.get("/capacity/surveys/migrant_health_needs/summary.csv").content.decode()
    # Three responses are fewer than the threshold: the CSV (which may leave the team) says so.
    assert "Male,,," in csv_text and "Male,1" not in csv_text and "free text" not in csv_text
    assert "counts of people below 5 are left empty" in csv_text
    assert client.get("/capacity/surveys/migrant_health_needs/responses/").status_code == 403


def test_the_summary_csv_hides_a_small_count_and_the_count_that_would_give_it_away(
    officer_alena,
):
    rows = [kobo_row(k, **{"demographics/sex": "male" if k < 2 else "female"}) for k in range(14)]
    surveys.import_responses(officer_alena, mission("BY"), MIGRANTS, xlsx(rows))
    form = survey_forms.get(MIGRANTS)
    summary = survey_summary.summarise(form, SurveyResponse.objects.all())
    shared = survey_summary.to_csv(summary).splitlines()
    # Two men would be 14 minus the women: both are left empty, the zeros stay.
    assert "Sex of the respondent,Male,,," in shared
    assert "Sex of the respondent,Female,,," in shared
    assert "Sex of the respondent,Other or not said,0,0.0," in shared
    assert "Responses,,14,," in shared
    assert "People in the household,mean,14,,9.5" in shared  # fourteen answers: shown
    everything = survey_summary.to_csv(summary, threshold=0).splitlines()
    assert "Sex of the respondent,Male,2,14.3," in everything
    assert "Sex of the respondent,Female,12,85.7," in everything


def test_another_province_does_not_see_the_responses(login, officer_alena, officer_pavel):
    response = surveys.record_response(officer_alena, mission("BY"), MIGRANTS, answers())
    assert not surveys.visible(officer_pavel, mission("BY"), MIGRANTS).exists()
    with pytest.raises(PermissionDenied):
        surveys.require_response(officer_pavel, response)
    client = login(officer_pavel)
    assert client.get(f"/capacity/surveys/response/{response.pk}/").status_code == 403
    own = login(officer_alena).get(f"/capacity/surveys/response/{response.pk}/")
    assert "Needs a Dari-speaking doctor" in own.content.decode()
    assert AuditEvent.objects.filter(action="view", category="health").exists()


def test_api_sends_a_response_twice_and_it_is_stored_once(login, officer_alena):
    client = login(officer_alena)
    body = {"uid": str(uuid.uuid4()), "answers": answers()}
    url = "/api/v1/capacity/surveys/migrant_health_needs/responses?mission=BY"
    first = client.post(url, body, content_type="application/json")
    second = client.post(url, body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert SurveyResponse.objects.count() == 1
    bad = client.post(
        url, {"uid": str(uuid.uuid4()), "answers": answers(sex="")}, content_type="application/json"
    )
    assert bad.status_code == 400 and "sex" in bad.json()["error"]["fields"]
    listed = client.get(url).json()
    assert listed["count"] == 1
