"""The access policy: the one place that decides who may see and do what.

Three questions, always in this order:
1. Route: may this role open this page or API operation at all? (PAGES / API tables below;
   a route missing from them is refused, and tests/test_access_routes.py fails.)
2. Scope: which records? Only the user's missions, and within a mission only the locations
   of the user's teams unless the role is mission-wide.
3. Sensitivity: which categories of data (general, health, mental health, protection/GBV,
   financial) does the role see?

Roles and their capabilities ship as data in core/data/roles.json.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Location, Mission, Sensitivity

# Rules: PUBLIC (anyone), LOGIN (signed in, second factor may still be due),
# AUTHENTICATED (signed in and verified), or a capability string a role must hold.
PUBLIC = "public"
LOGIN = "login"
AUTHENTICATED = "authenticated"

# Capabilities this issue defines; later apps add theirs here beside their routes.
CAPABILITIES = {
    "core.manage_missions",
    "core.manage_locations",
    "core.view_users",
    "core.manage_users",
    "core.manage_teams",
    "core.manage_roles",
    "core.view_projects",
    "core.manage_projects",
    "core.view_audit",
    "registry.view_people",
    "registry.register",
    "registry.merge",
    "registry.view_photos",
    "services.record",
    "services.manage_catalogue",
    "services.manage_directory",
    "services.refer",
    "services.appointments",
    "services.interpret",
    "reporting.view",
    "reporting.manage_indicators",
    "reporting.export_personal",
    "health.consult",
    "health.immunize",
    "health.assess",
    "health.decide",
    "health.disclose",
    "mhpss.record",
    "mhpss.measure",
    "mhpss.supervise",
    "casework.manage",
    "casework.supervise",
    "casework.approve_funds",
    "casework.pay",
    "casework.budget",
    "assistance.manage",
    "assistance.approve",
    "education.manage",
    "livelihoods.manage",
    "livelihoods.award",
    "community.manage",
    "capacity.manage",
}

# Page routes by Django view name.
PAGES = {
    "set_language": PUBLIC,
    "healthz": PUBLIC,
    "favicon": PUBLIC,
    "core:login": PUBLIC,
    "core:logout": LOGIN,
    "core:otp_verify": LOGIN,
    "core:otp_setup": LOGIN,
    "core:home": AUTHENTICATED,
    "core:search": AUTHENTICATED,
    "core:profile": AUTHENTICATED,
    "core:password_change": AUTHENTICATED,
    "core:switch_mission": AUTHENTICATED,
    "core:token_list": AUTHENTICATED,
    "core:token_revoke": AUTHENTICATED,
    "core:location_list": AUTHENTICATED,
    "core:location_detail": AUTHENTICATED,
    "core:location_create": "core.manage_locations",
    "core:location_edit": "core.manage_locations",
    "core:mission_list": "core.manage_missions",
    "core:mission_create": "core.manage_missions",
    "core:mission_edit": "core.manage_missions",
    "core:user_list": "core.view_users",
    "core:user_create": "core.manage_users",
    "core:user_edit": "core.manage_users",
    "core:user_unlock": "core.manage_users",
    "core:user_reset_otp": "core.manage_users",
    "core:team_list": AUTHENTICATED,
    "core:team_detail": AUTHENTICATED,
    "core:team_create": "core.manage_teams",
    "core:team_edit": "core.manage_teams",
    "core:role_list": "core.manage_roles",
    "core:role_edit": "core.manage_roles",
    "core:project_list": "core.view_projects",
    "core:project_detail": "core.view_projects",
    "core:project_create": "core.manage_projects",
    "core:project_edit": "core.manage_projects",
    "core:audit_list": "core.view_audit",
    "core:audit_verify": "core.view_audit",
    "registry:person_list": "registry.view_people",
    "registry:person_detail": "registry.view_people",
    "registry:person_register": "registry.register",
    "registry:person_matches": "registry.register",
    "registry:person_edit": "registry.register",
    "registry:household_create": "registry.register",
    "registry:consent_record": "registry.register",
    "registry:household_detail": "registry.view_people",
    "registry:membership_end": "registry.register",
    "registry:import_upload": "registry.register",
    "registry:import_detail": "registry.register",
    "registry:duplicate_queue": "registry.merge",
    "registry:duplicate_review": "registry.merge",
    "registry:merge_undo": "registry.merge",
    "registry:photo": "registry.view_photos",
    "registry:photo_upload": "registry.view_photos",
    "registry:photo_remove": "registry.view_photos",
    "services:record_for_person": "services.record",
    "services:record_for_household": "services.record",
    "services:timeline": "registry.view_people",
    "services:event_detail": "registry.view_people",
    "services:day_sheet": "services.record",
    "services:day_sheet_lookup": "services.record",
    "services:centre_activity": "registry.view_people",
    "services:referral_new": "services.refer",
    "services:referral_list": AUTHENTICATED,
    "services:inbox": "services.refer",
    "services:referral_detail": AUTHENTICATED,
    "services:referral_slip": "services.refer",
    "services:link_answer": PUBLIC,
    "services:directory": AUTHENTICATED,
    "services:provider_create": "services.manage_directory",
    "services:provider_edit": "services.manage_directory",
    "services:appointment_new": "services.appointments",
    "services:appointment_detail": AUTHENTICATED,
    "services:site_day": "services.appointments",
    "services:interpreter_day_own": "services.interpret",
    "services:interpreter_day": AUTHENTICATED,
    "services:send_reminders": "services.appointments",
    "services:catalogue": "services.manage_catalogue",
    "services:catalogue_new": "services.manage_catalogue",
    "services:catalogue_edit": "services.manage_catalogue",
    "services:interpreting_language_add": "services.manage_catalogue",
    "services:interpreter_list": "services.manage_directory",
    "services:interpreter_create": "services.manage_directory",
    "services:interpreter_edit": "services.manage_directory",
    "services:site_schedule": "services.manage_directory",
    "health:person_record": "health.consult",
    "health:consultation_new": "health.consult",
    "health:immunization_new": "health.immunize",
    "health:case_new": "health.assess",
    "health:vaccination_card": "health.immunize",
    "health:consultation_detail": "health.consult",
    "health:case_list": "health.assess",
    "health:case_detail": "health.assess",
    "health:case_ips": "health.disclose",
    "health:icd10_search": "health.consult",
    "health:results_import": "health.assess",
    "casework:dashboard": "casework.manage|casework.supervise",
    "casework:case_list": "casework.manage|casework.supervise",
    "casework:case_new": "casework.manage",
    "casework:case_detail": "casework.manage|casework.supervise",
    "casework:approvals": "casework.approve_funds|casework.supervise",
    "casework:payments": "casework.pay",
    "casework:document": "casework.manage|casework.supervise|casework.pay",
    "casework:budgets": "casework.budget|casework.approve_funds|casework.pay",
    "mhpss:home": "mhpss.record|mhpss.supervise",
    "mhpss:plan": "mhpss.record|mhpss.supervise",
    "mhpss:activity_new": "mhpss.record",
    "mhpss:activity_list": "mhpss.record|mhpss.supervise",
    "mhpss:activity_detail": "mhpss.record|mhpss.supervise",
    "mhpss:programme_list": "mhpss.record|mhpss.supervise",
    "mhpss:programme_new": "mhpss.record",
    "mhpss:programme_detail": "mhpss.record|mhpss.supervise",
    "mhpss:person_measures": "mhpss.measure",
    "mhpss:measure_new": "mhpss.measure",
    "mhpss:alert_list": "mhpss.measure|mhpss.supervise",
    "mhpss:alert_detail": "mhpss.measure|mhpss.supervise",
    "mhpss:feedback_summary": "mhpss.record|mhpss.supervise",
    "assistance:home": "assistance.manage|assistance.approve",
    "assistance:programme_new": "assistance.manage",
    "assistance:programme_detail": "assistance.manage|assistance.approve",
    "assistance:card_list": "assistance.manage|assistance.approve",
    "assistance:run_detail": "assistance.manage|assistance.approve",
    "assistance:cycle_detail": "assistance.manage|assistance.approve",
    "assistance:cycle_households": "assistance.manage|assistance.approve",
    "assistance:distribution_detail": "assistance.manage|assistance.approve",
    "assistance:pdm_interview": "assistance.manage",
    "assistance:vendor_list": "assistance.manage|assistance.approve",
    "assistance:warehouse_list": "assistance.manage|assistance.approve",
    "assistance:complaint_list": "assistance.manage|assistance.approve",
    "assistance:complaint_detail": "assistance.manage|assistance.approve",
    # --- education pages ---
    "education:home": "education.manage",
    "education:period_list": "education.manage",
    "education:route_new": "education.manage",
    "education:route_detail": "education.manage",
    "education:costs": "education.manage",
    "education:course_new": "education.manage",
    "education:course_detail": "education.manage",
    "education:certificate": "education.manage",
    "education:special_list": "education.manage",
    "education:special_detail": "education.manage",
    # --- end education ---
    # --- livelihoods pages ---
    "livelihoods:home": "livelihoods.manage",
    "livelihoods:profile_list": "livelihoods.manage",
    "livelihoods:profile_new": "livelihoods.manage",
    "livelihoods:profile_detail": "livelihoods.manage",
    "livelihoods:employer_list": "livelihoods.manage",
    "livelihoods:vacancy_list": "livelihoods.manage",
    "livelihoods:vacancy_detail": "livelihoods.manage",
    "livelihoods:vacancy_edit": "livelihoods.manage",
    "livelihoods:placement_list": "livelihoods.manage",
    "livelihoods:call_list": "livelihoods.manage|livelihoods.award",
    "livelihoods:call_detail": "livelihoods.manage|livelihoods.award",
    "livelihoods:application_detail": "livelihoods.manage|livelihoods.award",
    "livelihoods:score_sheet": "livelihoods.manage|livelihoods.award",
    "livelihoods:receipt": "livelihoods.manage|livelihoods.award",
    # --- end livelihoods ---
    # --- community pages ---
    "community:project_list": "community.manage",
    "community:project_new": "community.manage",
    "community:project_detail": "community.manage",
    "community:project_photo": "community.manage",
    "community:dwelling_list": "community.manage",
    "community:dwelling_detail": "community.manage",
    "community:repair_list": "community.manage",
    "community:repair_detail": "community.manage",
    "community:repair_photo": "community.manage",
    "community:agreement_list": "community.manage",
    "community:agreement_detail": "community.manage",
    # --- end community ---
    # --- capacity surveys and prevention pages ---
    "capacity:survey_home": "capacity.manage|reporting.view",
    "capacity:survey_summary": "capacity.manage|reporting.view",
    "capacity:survey_summary_csv": "capacity.manage|reporting.view",
    "capacity:survey_responses": "capacity.manage",
    "capacity:survey_response": "capacity.manage",
    "capacity:survey_new": "capacity.manage",
    "capacity:survey_import": "capacity.manage",
    "capacity:prevention_home": "capacity.manage|reporting.view",
    "capacity:prevention_programme": "capacity.manage|reporting.view",
    "capacity:prevention_refer": "capacity.manage",
    "capacity:prevention_tally": "capacity.manage",
    "capacity:prevention_referral": "capacity.manage",
    # --- end capacity surveys and prevention ---
    # --- capacity trainings, council and legislation pages ---
    "capacity:home": "capacity.manage",
    "capacity:training_list": "capacity.manage",
    "capacity:training_new": "capacity.manage",
    "capacity:training_detail": "capacity.manage",
    "capacity:participant_list": "capacity.manage",
    "capacity:participant_detail": "capacity.manage",
    "capacity:agency_list": "capacity.manage",
    "capacity:council_list": "capacity.manage",
    "capacity:council_detail": "capacity.manage",
    "capacity:meeting_detail": "capacity.manage",
    "capacity:meeting_minutes": "capacity.manage",
    "capacity:action_item_list": "capacity.manage",
    "capacity:instrument_list": "capacity.manage",
    "capacity:instrument_detail": "capacity.manage",
    "capacity:recommendation_list": "capacity.manage",
    "capacity:recommendation_detail": "capacity.manage",
    # --- end capacity trainings, council and legislation ---
    "health:follow_up_answer": PUBLIC,
    "reporting:dashboard": "reporting.view",
    "reporting:quarterly": "reporting.view",
    "reporting:quarterly_pdf": "reporting.view",
    "reporting:quarterly_xlsx": "reporting.view",
    "reporting:indicator_list": "reporting.view",
    "reporting:indicator_create": "reporting.manage_indicators",
    "reporting:indicator_edit": "reporting.manage_indicators",
    "reporting:indicator_targets": "reporting.manage_indicators",
    "reporting:target_edit": "reporting.manage_indicators",
    "reporting:target_delete": "reporting.manage_indicators",
    "reporting:progress": "reporting.view",
    "reporting:people_export": "reporting.export_personal",
    "reporting:activities_csv": "reporting.view",
    "reporting:activities_hxl": "reporting.view",
    "reporting:activities_xlsx": "reporting.view",
    "api-1:openapi-json": AUTHENTICATED,
    "api-1:openapi-view": AUTHENTICATED,
}

# API operations by key (see kopru.core.api.policy).
API = {
    "core.me": AUTHENTICATED,
    "core.list_missions": AUTHENTICATED,
    "core.list_locations": AUTHENTICATED,
    "core.get_location": AUTHENTICATED,
    "core.create_location": "core.manage_locations",
    "core.list_teams": AUTHENTICATED,
    "core.list_roles": AUTHENTICATED,
    "core.list_users": "core.view_users",
    "core.list_projects": "core.view_projects",
    "core.create_project": "core.manage_projects",
    "core.list_tokens": AUTHENTICATED,
    "core.create_token": AUTHENTICATED,
    "core.revoke_token": AUTHENTICATED,
    "core.list_audit": "core.view_audit",
    "registry.search_people": "registry.view_people",
    "registry.get_person": "registry.view_people",
    "registry.register_person": "registry.register",
    "registry.list_consents": "registry.view_people",
    "registry.record_consent": "registry.register",
    "registry.update_person": "registry.register",
    "registry.check_person": "registry.register",
    "registry.get_photo": "registry.view_photos",
    "registry.set_photo": "registry.view_photos",
    "registry.create_household": "registry.register",
    "registry.get_household": "registry.view_people",
    "registry.add_member": "registry.register",
    "registry.end_membership": "registry.register",
    "registry.list_duplicates": "registry.merge",
    "registry.decide_duplicate": "registry.merge",
    "registry.undo_merge": "registry.merge",
    "services.catalogue": AUTHENTICATED,
    "services.record_event": "services.record",
    "services.person_events": "registry.view_people",
    "services.person_timeline": "registry.view_people",
    "services.list_providers": AUTHENTICATED,
    "services.make_referral": "services.refer",
    "services.list_referrals": AUTHENTICATED,
    "services.inbox": "services.refer",
    "services.get_referral": AUTHENTICATED,
    "services.move_referral": "services.refer",
    "services.book_appointment": "services.appointments",
    "services.list_appointments": "services.appointments",
    "services.appointment_status": "services.appointments",
    "services.list_interpreters": "services.appointments",
    "health.person_assessments": "registry.view_people",
    "health.get_assessment": "health.assess",
    "health.record_consultation": "health.consult",
    "health.record_immunization": "health.immunize",
    "health.vaccination_record": "health.immunize",
    "health.icd10": "health.consult",
    "health.open_assessment": "health.assess",
    "health.record_component": "health.assess",
    "health.order_test": "health.assess",
    "health.record_result": "health.assess",
    "health.decide": "health.decide",
    "health.set_travel": "health.assess",
    "health.pec": "health.assess",
    "mhpss.list_activities": "mhpss.record|mhpss.supervise",
    "mhpss.record_activity": "mhpss.record",
    "mhpss.record_measure": "mhpss.measure",
    "casework.list_cases": "casework.manage|casework.supervise",
    "casework.approvals": "casework.approve_funds|casework.supervise",
    "assistance.list_programmes": "assistance.manage|assistance.approve",
    "assistance.reconciliation": "assistance.manage|assistance.approve",
    "assistance.import_redemptions": "assistance.manage",
    # --- education API ---
    "education.list_routes": "education.manage",
    "education.record_attendance": "education.manage",
    "education.list_courses": "education.manage",
    # --- end education ---
    # --- livelihoods API ---
    "livelihoods.list_vacancies": "livelihoods.manage",
    "livelihoods.create_profile": "livelihoods.manage",
    "livelihoods.list_placements": "livelihoods.manage",
    # --- end livelihoods ---
    # --- community API ---
    "community.list_projects": "community.manage",
    "community.milestone_done": "community.manage",
    "community.rent_due": "community.manage",
    "community.record_rent_payment": "community.manage",
    # --- end community ---
    # --- capacity surveys and prevention API ---
    "capacity.list_survey_forms": "capacity.manage|reporting.view",
    "capacity.survey_summary": "capacity.manage|reporting.view",
    "capacity.list_survey_responses": "capacity.manage",
    "capacity.create_survey_response": "capacity.manage",
    "capacity.import_survey_responses": "capacity.manage",
    "capacity.list_prevention_referrals": "capacity.manage",
    "capacity.create_prevention_referral": "capacity.manage",
    "capacity.record_prevention_outcome": "capacity.manage",
    "capacity.create_prevention_tally": "capacity.manage",
    # --- end capacity surveys and prevention ---
    # --- capacity trainings, council and legislation API ---
    "capacity.list_trainings": "capacity.manage",
    "capacity.create_training": "capacity.manage",
    "capacity.list_participants": "capacity.manage",
    "capacity.create_participant": "capacity.manage",
    "capacity.enrol": "capacity.manage",
    "capacity.record_training_day": "capacity.manage",
    "capacity.record_scores": "capacity.manage",
    "capacity.list_action_items": "capacity.manage",
    "capacity.list_recommendations": "capacity.manage",
    # --- end capacity trainings, council and legislation ---
    "reporting.summary": "reporting.view",
    "reporting.activities": "reporting.view",
    "reporting.progress": "reporting.view",
}


def capabilities(user) -> frozenset:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_kopru_caps", None)
    if cached is None:
        role = user.role
        cached = frozenset(role.capabilities) if role else frozenset()
        user._kopru_caps = cached
    return cached


def has(user, capability: str) -> bool:
    """`capability` may name several, "a|b": any one of them is enough."""
    held = capabilities(user)
    return any(c in held for c in capability.split("|"))


def requires_otp(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role and user.role.require_otp)


def is_verified(user) -> bool:
    """Signed in, and past the second factor when the role (or the user's own device) asks."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "kopru_token_auth", False):
        return True  # an API token is itself the second thing the user holds
    verified = getattr(user, "is_verified", lambda: False)()
    if verified:
        return True
    from django_otp import user_has_device

    return not requires_otp(user) and not user_has_device(user, confirmed=True)


def allows(user, rule: str) -> bool:
    if rule == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if rule == LOGIN:
        return True
    if not is_verified(user):
        return False
    return rule == AUTHENTICATED or has(user, rule)


def require(user, capability: str) -> None:
    if not has(user, capability):
        raise PermissionDenied(capability)


# --- Scope: missions and locations ----------------------------------------------------------


def missions(user):
    if not getattr(user, "is_authenticated", False):
        return Mission.objects.none()
    return user.missions.filter(active=True)


def in_mission(user, mission) -> bool:
    return mission is not None and missions(user).filter(pk=mission.pk).exists()


def location_prefixes(user, mission):
    """Path prefixes the user may see in a mission; None means the whole mission."""
    if user.role and user.role.mission_wide:
        return None
    teams = user.teams.filter(mission=mission, active=True)
    paths = set(
        Location.objects.filter(Q(teams__in=teams) | Q(based_teams__in=teams)).values_list(
            "path", flat=True
        )
    )
    return sorted(paths)


def in_places(user, queryset, mission, path_field):
    """Only the rows whose location (`path_field`, e.g. "case__location__path") lies in the
    user's places; every row for a mission-wide role. The mission itself is not checked:
    `scope` does that for models that carry one."""
    prefixes = location_prefixes(user, mission)
    if prefixes is None:
        return queryset
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{path_field}__startswith": prefix})
    return queryset.filter(condition)


def scope(user, queryset, mission, *, path_field=None, category_field=None):
    """Filter any queryset to what the user may see: mission, locations, categories.

    `path_field` names the record's location path (e.g. "site__path"); records without a
    location are seen only by mission-wide roles. `category_field` names its sensitivity.
    """
    if not in_mission(user, mission):
        return queryset.none()
    queryset = queryset.filter(mission=mission)
    if path_field:
        queryset = in_places(user, queryset, mission, path_field)
    if category_field:
        queryset = queryset.filter(**{f"{category_field}__in": sorted(categories(user))})
    return queryset


def location_test(user, mission):
    """can_see_location for many locations of one mission: the scope is read once."""
    if not in_mission(user, mission):
        return lambda location: False
    prefixes = location_prefixes(user, mission)
    if prefixes is None:
        return lambda location: True
    return lambda location: any(location.path.startswith(p) for p in prefixes)


def can_see_location(user, location) -> bool:
    return location_test(user, location.mission)(location)


# --- Sensitivity ----------------------------------------------------------------------------


def categories(user) -> frozenset:
    if not getattr(user, "is_authenticated", False) or not user.role:
        return frozenset()
    return frozenset(user.role.categories) & set(Sensitivity.values)


def can_see_category(user, category: str) -> bool:
    return category in categories(user)


# --- The check a write function makes first ---------------------------------------------------


def _category_refused(category):
    return {
        Sensitivity.FINANCIAL: _("Your role does not see financial records."),
        Sensitivity.HEALTH: _("Your role does not see health records."),
        Sensitivity.MENTAL_HEALTH: _("Your role does not see mental-health records."),
        Sensitivity.PROTECTION: _("Your role does not see protection records."),
    }.get(category, _("Your role does not see this kind of record."))


def ensure(user, mission, capability, *, location=None, category=None) -> None:
    """Refuse, with the reason in the user's language, unless the user holds `capability`,
    works in `mission`, covers `location` (when given) through their teams and sees the
    data's `category` (when it is not general)."""
    require(user, capability)
    if not in_mission(user, mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if location is not None and not can_see_location(user, location):
        raise PermissionDenied(_("This place is outside your teams' places."))
    if category is not None and not can_see_category(user, category):
        raise PermissionDenied(_category_refused(category))
