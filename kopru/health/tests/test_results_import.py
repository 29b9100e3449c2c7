"""A partner's results file: all or nothing, every refused row reported, the same file twice
changes nothing."""

import json

import pytest
from django.urls import reverse

from kopru.health import assessments
from kopru.health.models import Investigation
from kopru.health.results_import import import_results

pytestmark = pytest.mark.django_db

IGRA, CXR = "71773-6", "36643-5"


@pytest.fixture
def orders(dr_ayse, us_case):
    (igra,) = assessments.order_investigation(dr_ayse, us_case, IGRA)
    (cxr,) = assessments.order_investigation(dr_ayse, us_case, CXR)
    return igra, cxr


def csv_file(*rows):
    lines = ["order_number,loinc,result,value,unit,reading,collected_on", *rows]
    return "\n".join(lines).encode()


def test_a_csv_file_records_every_result_and_twice_changes_nothing(dr_ayse, us_case, orders):
    igra, cxr = orders
    content = csv_file(
        f"{igra.number},{IGRA},POS,,,,",
        f"{cxr.number},{CXR},normal,,,No active disease,",
    )
    report = import_results(dr_ayse, us_case.mission, content, "lab-2026-11-24.csv")
    assert report.ok and report.written == 2
    igra.refresh_from_db()
    assert igra.interpretation == "positive" and igra.result_source.startswith("file:")
    again = import_results(dr_ayse, us_case.mission, content, "lab-2026-11-24.csv")
    assert again.ok and again.written == 0 and again.unchanged == 2


def test_one_bad_row_refuses_the_whole_file_and_names_each_problem(dr_ayse, us_case, orders):
    igra, cxr = orders
    content = csv_file(
        f"{igra.number},{IGRA},POS,,,,",
        f"LAB-TR-999999,{IGRA},NEG,,,,",  # never ordered
        f"{cxr.number},{IGRA},NEG,,,,",  # the wrong test for that order
        f"{cxr.number},{CXR},normal,,,,",  # an X-ray without its reading
    )
    report = import_results(dr_ayse, us_case.mission, content, "lab.csv")
    assert not report.ok and report.written == 0
    rows = dict(report.errors)
    assert "never ordered" in rows[3]
    assert "is for test" in rows[4]
    assert "reading" in rows[5]
    assert not Investigation.objects.filter(status="resulted").exists()


def test_a_different_result_for_an_order_already_resulted_is_refused(dr_ayse, us_case, orders):
    igra, _cxr = orders
    assessments.record_result(dr_ayse, igra, interpretation="negative")
    report = import_results(
        dr_ayse, us_case.mission, csv_file(f"{igra.number},{IGRA},POS,,,,"), "lab.csv"
    )
    assert "different result" in report.errors[0][1]


def test_a_fhir_bundle_of_observations_is_read_the_same_way(dr_ayse, us_case, orders):
    igra, _cxr = orders
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "basedOn": [{"identifier": {"value": igra.number}}],
                    "code": {"coding": [{"system": "http://loinc.org", "code": IGRA}]},
                    "interpretation": [{"coding": [{"code": "NEG"}]}],
                    "effectiveDateTime": igra.ordered_at.date().isoformat(),
                }
            }
        ],
    }
    report = import_results(dr_ayse, us_case.mission, json.dumps(bundle).encode(), "partner.json")
    assert report.ok and report.written == 1
    igra.refresh_from_db()
    assert igra.interpretation == "negative"


def test_the_import_page_reports_refused_rows(login, dr_ayse, us_case, orders):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lab.csv", csv_file(f"LAB-TR-424242,{IGRA},POS,,,,"))
    page = login(dr_ayse).post(reverse("health:results_import"), {"file": upload})
    text = page.content.decode()
    assert "nothing was written" in text and "never ordered" in text
