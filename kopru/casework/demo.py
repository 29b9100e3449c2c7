"""The case-management demo: deterministic, written through the app's own functions (so every
rule holds for it), idempotent by fixed uids.

- Nour Al-Hamad's emergency case in Gaziantep: intake, a high vulnerability score approved
  by the supervisor, a plan with goals and actions, follow-ups; rent approved by the
  supervisor, paid by the cash officer and receipted; medical support rejected with the
  reason; a surgery quote waiting in the supervisor's queue. The project budget moves.
- A GBV case whose name never shows in lists and exports, a child protection case closed
  with the supervisor's approval, and more emergency cases with health transport paid, so
  the quarterly report counts case management under Protection, Health and Basic needs.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from kopru.core.demo import moment
from kopru.core.models import Location, Mission, Project, Team, User
from kopru.registry.demo import named_person

from . import services
from .models import Approval, Case, Need

NAMESPACE = uuid.UUID("7c2e9a40-3b1d-4f6e-8a25-9d0c1e4b7f33")
SITE = "Şahinbey Municipal Migrant and Community Centre"
TEAM = "Emergency case management South-East"
BUDGET = Decimal("250000.00")


def _uid(name):
    return uuid.uuid5(NAMESPACE, name)


def _person(actor, site, key, **fields):
    return named_person(actor, site, _uid(key), **fields)


def _pdf(title, lines):
    from weasyprint import HTML

    body = "".join(f"<p>{line}</p>" for line in lines)
    return HTML(string=f"<h1>{title}</h1>{body}").write_pdf()


def _case(worker, person, key, *, days_ago, kind="ecm", needs="", project, team, site):
    found = Case.objects.filter(uid=_uid(key)).first()
    if found:
        return found
    return services.open_case(
        worker,
        person,
        kind=kind,
        location=site,
        team=team,
        project=project,
        presenting_needs=needs,
        at=moment(timezone.localdate() - timedelta(days=days_ago), 10),
        uid=_uid(key),
    )


def _need(worker, case, key, **fields):
    found = Need.objects.filter(uid=_uid(key)).first()
    return found or services.request_need(worker, case, uid=_uid(key), **fields)


def _decide(user, need, approve, note=""):
    need.refresh_from_db()
    approval = need.approval
    if approval.status == Approval.Status.PENDING:
        services.decide(user, approval, approve=approve, note=note)
    need.refresh_from_db()
    return need


def load_demo_casework(scale=None):
    if scale is None:
        scale = getattr(settings, "DEMO_SCALE", 1)
    if float(scale) <= 0:  # the users and sites only (a benchmark replaces the people)
        return
    mission = Mission.objects.get(code="TR")
    worker = User.objects.get(username="caseworker")
    supervisor = User.objects.get(username="supervisor")
    head = User.objects.get(username="head_of_unit")
    cash = User.objects.get(username="cash_officer")
    site = Location.objects.get(mission=mission, level="site", name=SITE)
    team = Team.objects.get(mission=mission, name=TEAM)
    project = Project.objects.get(mission=mission, code="ECM-2026")
    if not hasattr(project, "ecm_budget"):
        services.set_budget(head, project, BUDGET)
        project.refresh_from_db()
    common = {"project": project, "team": team, "site": site}
    today = timezone.localdate()

    nour = _person(
        worker,
        site,
        "nour",
        given_name="Nour",
        family_name="Al-Hamad",
        given_name_original="نور",
        family_name_original="الحمد",
        sex="female",
        birth_date=today.replace(year=today.year - 38),
    )
    case = _case(
        worker,
        nour,
        "nour-ecm",
        days_ago=21,
        needs="Widowed, three children; three months' rent unpaid and an eviction notice. "
        "Her son Ali (9) needs orthopaedic follow-up after a fracture; crutches and physiotherapy "
        "are not covered.",
        **common,
    )
    _nour(case, worker, supervisor, cash, project, today)

    # A GBV case: the name is withheld in every list and export.
    rima = _person(
        worker,
        site,
        "rima",
        given_name="Rima",
        family_name="Darwish",
        sex="female",
        birth_date=today.replace(year=today.year - 27),
    )
    gbv = _case(
        worker,
        rima,
        "rima-gbv",
        days_ago=9,
        kind="gbv",
        needs="Safe accommodation for her and her daughter; legal counselling.",
        **common,
    )
    if not gbv.assessments.exists():
        services.assess(worker, gbv, criteria=["survivor", "female_headed", "no_income"])
    # Above the supervisor's limit: it waits for the head of unit.
    _need(
        worker,
        gbv,
        "rima-shelter",
        category="accommodation",
        description="Safe accommodation for three months (women's guesthouse)",
        amount=Decimal("36000.00"),
        supplier="Kadın konukevi işletmesi",
    )

    # A child protection case closed once its goals were met, with the closure approved.
    omar = _person(
        worker,
        site,
        "omar",
        given_name="Omar",
        family_name="Khalaf",
        sex="male",
        birth_date=today.replace(year=today.year - 14),
    )
    child = _case(
        worker,
        omar,
        "omar-cp",
        days_ago=80,
        kind="child_protection",
        needs="Working in a textile workshop instead of attending school.",
        **common,
    )
    if child.status == Case.Status.OPEN and not child.approvals.filter(kind="closure").exists():
        goal = services.add_goal(worker, child, text="Omar is back at school")
        services.add_action(
            worker, goal, text="Enrol at the district school with the family", responsible="Ömer"
        )
        services.record_follow_up(
            worker,
            child,
            at=moment(today - timedelta(days=40), 11),
            contact="visit",
            notes="Enrolled in grade 8; the family receives school transport.",
        )
        services.achieve_goal(worker, goal)
        approval = services.request_closure(
            worker, child, reason="goals_met", notes="Attending regularly for a month."
        )
        if approval is not None:
            services.decide(supervisor, approval, approve=True)

    # More emergency cases, each with health transport paid: Health in the quarterly report.
    for n, (given, family, sex, age) in enumerate(
        [
            ("Ahmad", "Najjar", "male", 61),
            ("Samira", "Haddad", "female", 45),
            ("Yasin", "Qasim", "male", 52),
            ("Layla", "Saleh", "female", 33),
        ]
    ):
        person = _person(
            worker,
            site,
            f"ecm-{n}",
            given_name=given,
            family_name=family,
            sex=sex,
            birth_date=today.replace(year=today.year - age),
        )
        other = _case(
            worker,
            person,
            f"ecm-{n}",
            days_ago=30 + 12 * n,
            needs="Dialysis three times a week at the state hospital; no means to get there.",
            **common,
        )
        if not other.assessments.exists():
            assessment = services.assess(
                worker,
                other,
                criteria=["serious_medical", "no_income"] + (["older_alone"] if age > 60 else []),
                at=moment(today - timedelta(days=28 + 12 * n), 11),
            )
            approval = Approval.objects.filter(assessment=assessment).first()
            if approval and n % 2 == 0:  # the others wait in the supervisor's queue
                services.decide(supervisor, approval, approve=True)
            services.record_follow_up(
                worker,
                other,
                at=moment(today - timedelta(days=3 + n), 15),
                contact="phone",
                notes="Transport to dialysis working; next check by phone.",
            )
        need = _need(
            worker,
            other,
            f"ecm-{n}-transport",
            category="health_transport",
            description="Taxi to dialysis, 12 return trips",
            amount=Decimal("1800.00") + 150 * n,
            supplier="Şahinbey taksi durağı",
        )
        need = _decide(supervisor, need, True)
        if need.status == Need.Status.APPROVED:
            services.mark_paid(
                cash,
                need,
                reference=f"EFT-2026-{4100 + n}",
                at=moment(today - timedelta(days=7), 14),
            )


def _nour(case, worker, supervisor, cash, project, today):
    if not case.assessments.exists():
        assessment = services.assess(
            worker,
            case,
            criteria=["serious_medical", "female_headed", "no_income", "eviction"],
            notes="Eviction notice seen; landlord agrees to wait two weeks.",
            at=moment(today - timedelta(days=20), 11),
        )
        approval = Approval.objects.filter(assessment=assessment).first()
        if approval:
            services.decide(supervisor, approval, approve=True)
    if not case.goals.exists():
        housing = services.add_goal(worker, case, text="The family keeps its home")
        services.add_action(
            worker,
            housing,
            text="Pay three months' rent to the landlord",
            responsible="Case worker",
            due=today - timedelta(days=5),
        )
        services.add_action(
            worker,
            housing,
            text="Refer to the municipality's social assistance for the rent from next month",
            responsible="Case worker",
            due=today + timedelta(days=10),
        )
        health = services.add_goal(worker, case, text="Ali recovers full use of his leg")
        services.add_action(
            worker,
            health,
            text="Orthopaedic control at the state hospital, with transport",
            responsible="Ömer",
            due=today + timedelta(days=3),
        )
        approval = services.submit_plan(worker, case)
        if approval:
            services.decide(supervisor, approval, approve=True)
    if not case.follow_ups.exists():
        services.record_follow_up(
            worker,
            case,
            at=moment(today - timedelta(days=14), 15),
            contact="visit",
            notes="Home visit: landlord met; he accepts payment by bank transfer.",
        )
        services.record_follow_up(
            worker,
            case,
            at=moment(today - timedelta(days=4), 10),
            contact="phone",
            notes="Rent paid; Ali's hospital appointment confirmed for Thursday.",
            next_on=today - timedelta(days=1),  # shows as overdue on the dashboard
        )
    rent = _need(
        worker,
        case,
        "nour-rent",
        category="accommodation",
        description="Three months' rent (September to November)",
        amount=Decimal("9000.00"),
        supplier="Landlord: Mehmet Yılmaz (IBAN on the quote)",
    )
    if not rent.documents.exists():
        services.upload_document(
            worker,
            rent,
            kind="quote",
            name="rent-statement.pdf",
            content=_pdf("Kira borcu", ["Eylül, Ekim, Kasım 2026: 3 × 3.000,00 TRY"]),
        )
    rent = _decide(supervisor, rent, True)
    if rent.status == Need.Status.APPROVED:
        services.mark_paid(
            cash, rent, reference="EFT-2026-4077", at=moment(today - timedelta(days=5), 12)
        )
        rent.refresh_from_db()
    if rent.status == Need.Status.PAID:
        services.upload_document(
            cash,
            rent,
            kind="receipt",
            name="receipt.pdf",
            content=_pdf("Makbuz", ["9.000,00 TRY alınmıştır. Mehmet Yılmaz"]),
        )
        services.mark_receipted(cash, rent)
    medical = _need(
        worker,
        case,
        "nour-medical",
        category="medical",
        description="Crutches and ten physiotherapy sessions for Ali",
        amount=Decimal("4750.00"),
        supplier="Medikal Ortopedi Ltd.",
    )
    _decide(
        supervisor,
        medical,
        False,
        note="Physiotherapy is covered at the state hospital under temporary protection: "
        "refer instead; ask again for the crutches alone.",
    )
    _need(
        worker,
        case,
        "nour-surgery",
        category="medical",
        description="Orthopaedic surgery fee not covered (private clinic quote)",
        amount=Decimal("18500.00"),
        supplier="Özel Şahinbey Hastanesi",
    )
