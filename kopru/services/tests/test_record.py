"""Recording a service: to a person, a household or a group session, once, validated, with
its history kept (issue 4, item 2)."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.core.models import AuditEvent, Project
from kopru.core.tests.factories import mission
from kopru.registry import services as registry
from kopru.registry.models import Household
from kopru.registry.tests.test_register import person
from kopru.services.models import Headcount, ServiceEvent, ServiceType
from kopru.services.services import record_service, update_service, void_service

pytestmark = pytest.mark.django_db


def a_service(category, subject, code="TR"):
    """The first service of the mission's catalogue of that sensitivity given to `subject`."""
    for st in ServiceType.objects.filter(mission__code=code, category=category):
        if subject in st.subjects:
            return st
    raise AssertionError(f"no {category} service for a {subject} in the catalogue")


def not_for(subject):
    return next(
        st for st in ServiceType.objects.filter(mission__code="TR") if subject not in st.subjects
    )


def now():
    return timezone.now() - timedelta(hours=1)


def test_the_catalogue_ships_in_every_mission_and_language():
    from django.utils import translation

    tr = ServiceType.objects.filter(mission__code="TR")
    assert tr.count() >= 40 and ServiceType.objects.filter(mission__code="BY").count() == tr.count()
    sectors = {st.sub_sector.sector.names["en"] for st in tr.select_related("sub_sector__sector")}
    assert {"Basic needs", "Protection", "Education", "Health", "Livelihoods"} <= {
        s.capitalize() for s in sectors
    }
    for st in tr:
        assert set(st.names) >= {"en", "tr", "ar", "fa", "ru"}, st.code
    st = tr.first()
    with translation.override("ar"):
        assert st.name == st.names["ar"]


def test_an_individual_consultation_with_an_interpreter(nurse_elif, amina, haliliye_centre):
    consultation = a_service("health", "person")
    event = record_service(
        nurse_elif,
        mission("TR"),
        service_type=consultation,
        person=amina,
        at=now(),
        location=haliliye_centre,
        modality="centre",
        language="ara",
        interpreter="Rania Haddad",
        notes="Blood pressure follow-up",
    )
    assert event.subject == "person" and event.category == "health"
    assert amina.services.get() == event
    entry = AuditEvent.objects.get(object_type="services.serviceevent", action="create")
    assert entry.category == "health"


def test_a_group_session_of_twenty_registered_and_thirty_five_counted(
    clerk_zeynep, twenty, haliliye_centre
):
    session = a_service("general", "group")
    cells = [
        {"sex": "female", "age_band": "18-59", "disability": False, "count": 20},
        {"sex": "male", "age_band": "5-11", "disability": False, "count": 12},
        {"sex": "female", "age_band": "60+", "disability": True, "count": 3},
    ]
    event = record_service(
        clerk_zeynep,
        mission("TR"),
        service_type=session,
        participants=twenty,
        headcounts=cells,
        headcount_total=35,
        at=now(),
        location=haliliye_centre,
        modality="centre",
    )
    assert event.subject == "group" and event.participants.count() == 20
    assert sum(h.count for h in event.headcounts.all()) == 35 and event.headcount_total == 35


def test_the_same_submission_three_times_is_stored_once(clerk_zeynep, amina, haliliye_centre):
    uid = uuid.uuid4()
    kwargs = {
        "service_type": a_service("general", "person"),
        "person": amina,
        "at": now(),
        "location": haliliye_centre,
        "modality": "centre",
    }
    events = [record_service(clerk_zeynep, mission("TR"), uid=uid, **kwargs) for _ in range(3)]
    assert len({e.pk for e in events}) == 1 and ServiceEvent.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="services.serviceevent").count() == 1


def test_bad_input_is_refused_with_a_reason_and_writes_nothing(
    clerk_zeynep, amina, twenty, haliliye_centre, admin_selin
):
    from kopru.core.tests.factories import location

    minsk_person = registry.new_person(
        mission("BY"),
        given_name="Olga",
        family_name="Ivanova",
        sex="female",
        population_group="other",
        location=location("BY02"),
    )
    minsk_person.reference = "BY-0000-0000-0"
    minsk_person.save()
    group = a_service("general", "group")
    base = {"at": now(), "location": haliliye_centre, "modality": "centre"}
    cases = {
        "at": {
            "service_type": group,
            "participants": twenty,
            "at": timezone.now() + timedelta(days=2),
        },
        "participants": {"service_type": group, "participants": [*twenty, minsk_person]},
        "headcounts": {
            "service_type": group,
            "headcounts": [{"sex": "female", "age_band": "0-4", "count": 10}],
            "headcount_total": 12,
        },
        "service_type": {"service_type": not_for("person"), "person": amina},
        "projects": {
            "service_type": group,
            "participants": twenty,
            "projects": [(Project.objects.filter(mission__code="TR").first() or _project(), 60)],
        },
    }
    for field, kwargs in cases.items():
        with pytest.raises(ValidationError) as exc:
            record_service(clerk_zeynep, mission("TR"), **{**base, **kwargs})
        assert field in exc.value.message_dict, (field, exc.value.message_dict)
    assert ServiceEvent.objects.count() == 0 and Headcount.objects.count() == 0


def _project():
    from kopru.core.models import Donor

    return Project.objects.create(
        mission=mission("TR"),
        donor=Donor.objects.create(name="ECHO"),
        code="ECHO-1",
        name="Protection",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )


def test_edits_and_deletions_keep_the_history_and_are_audited(
    nurse_elif, clerk_zeynep, amina, haliliye_centre
):
    event = record_service(
        nurse_elif,
        mission("TR"),
        service_type=a_service("health", "person"),
        person=amina,
        at=now(),
        location=haliliye_centre,
        modality="centre",
        notes="first",
    )
    update_service(nurse_elif, event, notes="corrected", modality="home_visit")
    event.refresh_from_db()
    assert (event.notes, event.modality) == ("corrected", "home_visit")
    assert event.versions.get().data["notes"] == "first"
    # A clerk's role does not see health services, so cannot change or delete them.
    with pytest.raises(PermissionDenied):
        void_service(clerk_zeynep, event, reason="mistake")
    with pytest.raises(ValidationError):
        void_service(nurse_elif, event, reason=" ")
    void_service(nurse_elif, event, reason="Recorded for the wrong person")
    event.refresh_from_db()
    assert event.voided_at and event.versions.count() == 2
    actions = list(
        AuditEvent.objects.filter(object_type="services.serviceevent").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["change", "create", "delete"]


def test_a_household_service_and_a_merge_carries_services_along(
    clerk_zeynep, admin_selin, amina, haliliye_centre
):
    from kopru.registry.merge import merge_people, undo_merge

    home = registry.create_household(
        clerk_zeynep, Household(mission=mission("TR"), location=haliliye_centre), head=amina
    )
    household_service = a_service("general", "household")
    record_service(
        clerk_zeynep,
        mission("TR"),
        service_type=household_service,
        household=home,
        at=now(),
        location=haliliye_centre,
        modality="home_visit",
    )
    twin = registry.register_person(
        clerk_zeynep, person(haliliye_centre, given_name="Emine", sex="female")
    )
    served = record_service(
        clerk_zeynep,
        mission("TR"),
        service_type=a_service("general", "person"),
        person=twin,
        at=now(),
        location=haliliye_centre,
        modality="centre",
    )
    record = merge_people(admin_selin, amina, twin)
    served.refresh_from_db()
    assert served.person == amina
    undo_merge(admin_selin, record)
    served.refresh_from_db()
    assert served.person == twin
