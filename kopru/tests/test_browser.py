"""End to end in headless Chromium (Debian's, driven by Playwright): each demo role signs in,
the interface turns right-to-left in Arabic, and a page the role may not see is refused."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from kopru.core.demo import USERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
# Background networking is off: this machine's network is closed, and the browser must not
# wait on outside hosts.
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM use from the
    # test itself is synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "browser tests need Debian's chromium (make test installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("main form button.btn-primary")
    page.wait_for_url(f"{base}/")


# A page each role may not open (and one it may).
REFUSED = {"admin": None, "me_officer": "/admin/users/"}


def test_every_demo_role_signs_in_and_is_refused_what_it_may_not_see(browser, live_server, demo):
    errors = []
    base = live_server.url
    for username, *_rest, codes in USERS:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, base, username)
        # Belarus's demo officer works in Russian, the others in English.
        with translation.override("ru" if codes == ["BY"] else "en"):
            welcome, not_allowed = (
                gettext("Welcome, %(name)s") % {"name": ""},
                gettext("Not allowed"),
            )
        assert welcome.strip(" ,") in page.inner_text("h1")
        # Styles and scripts load from our own origin, within the CSP.
        assert page.evaluate("typeof bootstrap") == "object"
        assert page.evaluate("typeof htmx") == "object"
        refused = REFUSED.get(username, "/admin/audit/")
        if refused:
            response = page.goto(f"{base}{refused}")
            assert response.status == 403, username
            assert not_allowed in page.inner_text("h1")
        else:
            assert page.goto(f"{base}/admin/audit/").status == 200
        context.close()
    assert [e for e in errors if "403" not in e] == []


def test_arabic_turns_the_page_right_to_left(browser, live_server, demo, tmp_path):
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    sign_in(page, base, "caseworker")
    page.click("button[lang=ar]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    # Bootstrap's RTL sheet really applies: the body's text starts from the right.
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).textAlign") in ("right", "start")
    # On a phone the menu collapses behind the toggler and opens on tap.
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    page.wait_for_selector("#nav.show")
    page.screenshot(path=str(tmp_path / "arabic-phone.png"))
    if os.environ.get("KOPRU_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["KOPRU_SCREENSHOTS"], "arabic-phone.png"))
    context.close()


def test_the_search_box_suggests_as_you_type(browser, live_server, demo):
    base = live_server.url
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "clerk")
    page.fill("input[name=q]", "haliliye")
    page.wait_for_selector("#search-popup a")
    assert "Haliliye" in page.inner_text("#search-popup")
    context.close()


def test_a_clerk_registers_a_person_with_the_keyboard_alone(browser, live_server, demo):
    base = live_server.url
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, base, "clerk")
    page.goto(f"{base}/registry/people/register/")
    kb = page.keyboard
    # The cursor starts in the given name (waited for: on a loaded machine the first key
    # could otherwise arrive before autofocus); Tab walks the form in reading order.
    from playwright.sync_api import expect

    expect(page.locator("#id_given_name")).to_be_focused()
    for value in ["Khadija", "Suleiman", "Omar", "", "خديجة", "", "", ""]:
        if value:
            kb.type(value)
        kb.press("Tab")
    kb.type("f")  # sex: Female
    kb.press("Tab")
    kb.type("04.05.1992")  # date of birth
    kb.press("Tab")
    kb.press("Tab")  # precision: exact, the default
    kb.type("Syr")  # nationality
    for _ in range(3):
        kb.press("Tab")  # country and place of birth left empty
    kb.type("T")  # population group: Temporary protection
    for _ in range(3):
        kb.press("Tab")  # languages, interpreter language
    kb.type("Haliliye")  # district or site
    kb.press("Tab")
    kb.press("Enter")  # from the neighbourhood field: submit
    # The new record's page; "people/*/" would also match the register page we are still on.
    page.wait_for_url(re.compile(r"/registry/people/\d+/$"))
    heading = page.inner_text("h1")
    assert "Khadija Suleiman" in heading and "خديجة" in heading
    assert page.inner_text("code.fs-5").startswith("TR-")
    assert "04.05.1992" in page.inner_text("main")
    context.close()


def test_a_clerk_takes_a_photograph_after_consent(browser, live_server, demo, tmp_path):
    import io

    from PIL import Image

    from kopru.core.models import Mission, User
    from kopru.registry import selectors, services

    clerk = User.objects.get(username="clerk")
    person = (
        selectors.visible_people(clerk, Mission.objects.get(code="TR"))
        .filter(birth_date__year__lt=2000)
        .first()
    )
    services.record_consent(clerk, person, purpose="photo", decision="given", language="ar")
    picture = tmp_path / "face.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 1600), (150, 110, 80)).save(buffer, "JPEG")
    picture.write_bytes(buffer.getvalue())

    base = live_server.url
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, base, "clerk")
    page.goto(f"{base}{person.get_absolute_url()}")
    page.set_input_files("#id_photo", str(picture))
    page.click("text=Save photograph")
    page.wait_for_selector("img.person-photo")
    # The image really loads (same origin, within the CSP) at its kept size, upright.
    size = page.evaluate(
        "(() => { const i = document.querySelector('img.person-photo');"
        " return i.decode().then(() => [i.naturalWidth, i.naturalHeight]); })()"
    )
    assert size == [450, 600]
    assert "Photograph saved." in page.inner_text("main")
    context.close()


def test_a_day_sheet_is_filled_with_the_keyboard(browser, live_server, demo):
    """The activity once, then each person's reference and Enter: the row appears, the field
    empties for the next one, and the sheet records one service per person."""
    from kopru.registry.models import Person
    from kopru.services.models import ServiceEvent

    base = live_server.url
    haliliye = list(
        Person.objects.filter(location__name="Haliliye Community Centre", merged_into=None)
        .order_by("pk")
        .values_list("reference", flat=True)[:3]
    )
    before = ServiceEvent.objects.count()
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "clerk")
    page.goto(f"{base}/services/day-sheet/")
    page.select_option("#id_service_type", "counselling_information_guidance")
    lookup = page.locator("#sheet-q")
    for n, reference in enumerate(haliliye, start=1):
        lookup.fill(reference)
        lookup.press("Enter")
        page.locator("#sheet-rows tr[id^='row-']").nth(n - 1).wait_for()
        assert lookup.input_value() == ""
    assert page.inner_text("#sheet-count") == "3"
    with page.expect_navigation():  # back to an empty sheet at the same address
        page.click("#sheet-save")
    assert "3 services recorded" in page.inner_text("main")
    assert ServiceEvent.objects.count() == before + 3
    assert errors == []
    context.close()


def test_an_me_officer_reads_the_dashboard_and_shares_a_report(browser, live_server, demo):
    base = live_server.url
    page = browser.new_page()
    sign_in(page, base, "me_officer")
    page.goto(f"{base}/reports/dashboard/")
    assert page.locator("#chart-months svg").count() > 0
    assert page.locator(".report-map svg path").count() > 50  # the provinces of Türkiye
    assert page.locator("#people-reached").inner_text().strip() != "0"

    page.click("text=Full report")
    page.wait_for_url(re.compile(r".*/reports/quarterly/.*"))
    page.check("#id_shared")
    page.click("form.report-filters button.btn-primary")
    page.wait_for_url(re.compile(r".*shared=on.*"))
    assert page.locator("#disclosure-note").is_visible()
    assert page.locator("#women-men-girls-boys").count() == 0

    page.click("text=5W for coordination")
    with page.expect_download() as download:
        page.click("#export-5w-hxl")
    assert download.value.suggested_filename.startswith("kopru-5w-hxl-")
    page.close()


def test_a_physician_opens_a_us_assessment_and_the_checklist_follows_the_protocol(
    browser, live_server, demo
):
    from kopru.registry.models import Person

    yusuf = Person.objects.get(given_name="Yusuf", family_name="Haddad")
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "physician")
    page.goto(f"{base}/registry/people/{yusuf.pk}/")
    page.click("text=Health record")
    page.click("text=Open a health assessment")
    page.select_option("select[name=protocol]", "us")
    page.select_option("select[name=location]", label="Migrant Health Centre Istanbul")
    page.click("main form button.btn-primary")
    page.wait_for_url(re.compile(r"/health/assessments/\d+/"))
    checklist = page.inner_text("table")
    assert "Required from age 15" in checklist  # the chest X-ray at 16
    assert "Not required: only age 18 to under 45" in checklist  # syphilis
    # Record the history; the checklist shows it done, and clearance is still refused.
    page.select_option("select[name=component]", "history")
    page.click("form:has(input[value=component]) button")
    page.wait_for_load_state()
    assert "Done on" in page.inner_text("table")
    assert page.is_disabled("form:has(input[value=clear]) button")


def test_a_mobile_team_records_a_session_an_alert_reaches_the_supervisor_who_approves_rent(
    browser, live_server, demo
):
    """Issue 7's check in the browser: the counsellor records a group awareness session with
    the keyboard (two people by reference and Enter, the rest counted), then a PHQ-9 in Arabic
    with item 9 answered; the supervisor sees the alert and approves a case's need from the
    queue; the cash officer cannot open the case."""
    from kopru.casework import services as casework
    from kopru.casework.models import Case, Need
    from kopru.core.models import Location, Team, User
    from kopru.mhpss.models import Activity, SafetyAlert
    from kopru.registry.models import Person

    base = live_server.url
    site = Location.objects.get(level="site", name="Haliliye Community Centre")
    team = Team.objects.get(name="PMT Şanlıurfa")
    references = list(
        Person.objects.filter(location=site, merged_into=None)
        .order_by("-pk")
        .values_list("reference", flat=True)[:2]
    )
    errors = []
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "counsellor")
    page.goto(f"{base}/mhpss/activities/new/")
    page.select_option("#id_kind", "awareness")
    page.select_option("#id_team", str(team.pk))
    page.select_option("#id_location", str(site.pk))
    page.select_option("#id_topic", "gbv")
    lookup = page.locator("#sheet-q")
    for n, reference in enumerate(references, start=1):
        lookup.fill(reference)
        lookup.press("Enter")
        page.locator("#sheet-rows tr[id^='row-']").nth(n - 1).wait_for()
    page.fill("input[name='hc-female-18-59-0']", "9")
    page.keyboard.press("Tab")
    page.keyboard.type("3")  # the next cell: women 60+
    page.fill("input[name='hc-male-5-11-1']", "1")
    with page.expect_navigation():
        page.click("#sheet-save")
    assert "15 people reached" in page.inner_text("main")
    activity = Activity.objects.filter(kind="awareness", topic="gbv").latest("pk")
    assert activity.event.participants.count() == 2

    hanan = Person.objects.get(given_name="Hanan", family_name="Al-Khalil")
    page.goto(f"{base}/mhpss/people/{hanan.pk}/measures/phq9/?language=ar")
    assert page.locator("[dir=rtl] legend").first.inner_text().startswith("1.")
    for item in range(1, 10):
        page.check(f"input[name='item_{item}'][value='{1 if item in (1, 2, 9) else 0}']")
    with page.expect_navigation():
        page.click("main form[method=post] button.btn-primary")
    assert "Safety alert" in page.inner_text("h1")
    context.close()

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "supervisor")
    page.goto(f"{base}/mhpss/")
    assert "Safety alerts waiting for action" in page.inner_text("main")
    newest = SafetyAlert.objects.latest("pk")
    assert newest.supervisor == User.objects.get(username="supervisor")
    surgery = Need.objects.get(description__startswith="Orthopaedic surgery")
    before = casework.budget_figures(surgery.project)["committed"]
    page.goto(f"{base}/cases/approvals/")
    row = page.locator("tr", has_text="Orthopaedic surgery")
    with page.expect_navigation():
        row.locator("button[value=approve]").click()
    assert "Approved." in page.inner_text("main")
    surgery.refresh_from_db()
    assert surgery.status == Need.Status.APPROVED
    assert casework.budget_figures(surgery.project)["committed"] == before + surgery.amount
    context.close()

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, base, "cash_officer")
    case = Case.objects.get(person__given_name="Nour", person__family_name="Al-Hamad")
    assert page.goto(f"{base}/cases/{case.pk}/").status == 403
    page.goto(f"{base}/cases/payments/")
    assert "Orthopaedic surgery" in page.inner_text("main")
    assert "eviction notice" not in page.inner_text("main")
    context.close()
    assert errors == []


def test_a_cash_officer_reconciles_a_cycle_and_reviews_an_anomaly(
    browser, live_server, demo, tmp_path
):
    """Issue 8's check in the browser, on the Adana demo: the cycle balances to the lira with
    its two planted anomalies flagged; the officer explains one; a bad redemption file is
    refused with every line and nothing imported; the lost card's household holds back the
    load file until its card is replaced and handed over, then the file downloads in the
    provider's layout; the misconduct complaint shows to the head of unit only."""
    from kopru.assistance.models import Anomaly, Card, Cycle, Redemption

    base = live_server.url
    cycle = Cycle.objects.get(programme__code="MPC-ADANA", number=1)
    errors = []
    context = browser.new_context(locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "cash_officer")
    page.goto(f"{base}/assistance/")
    page.click("text=MPC-ADANA")
    page.click("a:text-is('#1')")
    main = page.inner_text("main")
    summary = cycle.reconciliation
    assert summary.loaded == summary.redeemed + summary.outstanding
    equation = f"{summary.loaded:,.2f} = {summary.redeemed:,.2f} + {summary.outstanding:,.2f}"
    assert "balances" in main and equation in main, main[:400]
    row = page.locator("tr", has_text="At a vendor not contracted")
    assert row.count() == 1
    assert page.locator("tr", has_text="Card used after it was blocked").count() == 1
    row.locator("input[name=note]").fill("Second till of Yüreğir Halk Market, contract amended")
    with page.expect_navigation():
        row.locator("button").click()
    assert "Anomaly reviewed." in page.inner_text("main")
    assert Anomaly.objects.get(kind="not_contracted").status == "explained"

    before = Redemption.objects.count()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "TXN_ID;CARD_NO;MERCHANT_ID;TXN_TIME;AMOUNT;CATEGORY\n"
        "Z1;ADN00001;ADN-M101;2026-11-20 10:00:00;12,00;food\n"
        "Z2;NOCARD;ADN-M101;2026-11-20 10:05:00;12,00;food\n"
        "Z3;ADN00002;ADN-M101;tomorrow;12,00;food\n",
        encoding="utf-8",
    )
    form = page.locator("form", has=page.locator("input[value=redemptions]"))
    form.locator("input[type=file]").set_input_files(str(bad))
    with page.expect_navigation():
        form.locator("button").click()
    main = page.inner_text("main")
    assert "Nothing was imported" in main and "Line 3" in main and "Line 4" in main
    assert Redemption.objects.count() == before

    # The lost card's household has no card in hand: the load file waits for it.
    lost = Card.objects.get(programme=cycle.programme, status="blocked")
    with page.expect_navigation():
        page.click("button:text('Download the load file')")
    assert lost.household.reference in page.inner_text("main")
    page.goto(f"{base}/assistance/programmes/{cycle.programme_id}/cards/?status=blocked")
    spare = Card.objects.filter(programme=cycle.programme, status="received").first().serial
    page.fill("input[name=serial]", spare)
    with page.expect_navigation():
        page.click("button:text('Replace')")
    assert f"{spare} replaces the blocked one" in page.inner_text("main")
    page.goto(f"{base}/assistance/programmes/{cycle.programme_id}/cards/?status=assigned")
    page.select_option("select[name=confirmation]", "thumbprint")
    with page.expect_navigation():
        page.click("button:text('Hand over')")
    assert f"{spare} handed over" in page.inner_text("main")
    page.goto(f"{base}/assistance/cycles/{cycle.pk}/")
    with page.expect_download() as download:
        page.click("button:text('Download the load file')")
    content = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert content[0] == "CARD_NO;AMOUNT;CURRENCY;BENEFICIARY_REF;CYCLE"
    assert len(content) - 1 == cycle.entitlements.count()
    assert any(line.startswith(f"{spare};") for line in content)
    page.goto(f"{base}/assistance/complaints/")
    assert "asked for money" not in page.inner_text("main")
    context.close()

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, base, "head_of_unit")
    page.goto(f"{base}/assistance/complaints/")
    assert "Staff misconduct" in page.inner_text("main")
    context.close()
    assert errors == []


def test_the_other_programmes_work_in_turkish_arabic_and_russian(browser, live_server, demo):
    """Issue 9's check: each programme's demo quarter on its pages in the officer's language
    (Turkish, Arabic right-to-left, Russian for Belarus), and the Belarus report's trainings,
    test improvement and people reached by vaccination."""
    from datetime import timedelta

    from django.utils import timezone

    from kopru.community.models import StabilisationProject
    from kopru.core.models import Mission
    from kopru.education.models import Route
    from kopru.livelihoods.models import Vacancy

    base = live_server.url
    errors = []

    def open_as(username, language=None):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, base, username)
        if language:
            page.click(f"button[lang={language}]")
            page.wait_for_load_state()
        return context, page

    context, page = open_as("education_officer", "tr")
    page.goto(f"{base}/education/")
    assert page.get_attribute("html", "lang") == "tr"
    assert "Okul taşımacılığı" in page.inner_text("main")
    route = Route.objects.get(code="SUR-01")
    page.goto(f"{base}/education/routes/{route.pk}/")
    assert "SUR-01" in page.inner_text("main")
    context.close()

    context, page = open_as("shelter_engineer", "ar")
    project = StabilisationProject.objects.filter(status="completed").first()
    page.goto(f"{base}/community/projects/{project.pk}/")
    assert page.get_attribute("html", "dir") == "rtl"
    main = page.inner_text("main")
    assert project.title in main and "المراحل" in main
    assert page.locator("main img").count() >= 1  # progress photos, served after the check
    # The photos load lazily: scroll to the first, as a reader would, and wait for it to draw.
    page.locator("main img").first.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('main img'); return i.complete }"
    )
    assert page.evaluate("document.querySelector('main img').naturalWidth") > 0
    context.close()

    context, page = open_as("livelihoods_officer", "tr")
    vacancy = Vacancy.objects.order_by("pk").first()
    page.goto(f"{base}/livelihoods/vacancies/{vacancy.pk}/")
    assert "Uyan profiller, en iyisi önce" in page.inner_text("main")
    context.close()

    context, page = open_as("capacity_officer")  # works in Russian by her profile
    page.goto(f"{base}/capacity/")
    assert page.get_attribute("html", "lang") == "ru"
    assert "Здоровье мигрантов и инфекционные заболевания" in page.inner_text("main")
    context.close()

    context, page = open_as("admin")
    page.goto(f"{base}/")
    page.click(f"a.dropdown-toggle:text-is('{Mission.objects.get(code='TR')}')")
    with page.expect_navigation():
        page.click(f"button.dropdown-item:text-is('{Mission.objects.get(code='BY')}')")
    today = timezone.localdate()
    page.goto(
        f"{base}/reports/quarterly/?period=custom&start={today - timedelta(days=120)}&end={today}"
    )
    main = page.inner_text("main")
    assert "Capacity building, coordination council and legislation review" in main
    assert "Mean improvement" in main and "Trainings held" in main
    assert "Vaccination" in main and "Prevention of communicable diseases" in main
    context.close()
    assert [e for e in errors if "403" not in e] == []
