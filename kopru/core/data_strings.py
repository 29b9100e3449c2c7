"""Strings from core/data/*.json that people read, marked for translation.

Data files cannot carry gettext calls, so their display strings are listed here for
makemessages; tests/test_i18n.py fails when a data file gains a string missing here.
"""

from django.utils.translation import gettext_noop as _

STRINGS = [
    # missions.json
    _("Türkiye"),
    _("Belarus"),
    # roles.json: names
    _("Mission administrator"),
    _("M&E officer"),
    _("Physician"),
    _("Nurse"),
    _("MHPSS counsellor"),
    _("Case worker"),
    _("Protection supervisor"),
    _("Head of protection unit"),
    _("Cash officer"),
    _("Education officer"),
    _("Livelihoods officer"),
    _("Shelter engineer"),
    _("Migration health project officer"),
    _("Data clerk"),
    _("Interpreter"),
    _("Read-only partner"),
    # roles.json: descriptions
    _("Users, roles, sites, projects and donors, data protection settings."),
    _("Indicators, quarterly reports, dashboards and donor exports."),
    _("Health assessments, consultations, vaccinations, referrals."),
    _("Vital signs, vaccinations, nutrition and follow-up."),
    _("Psychosocial sessions, activities and outcome measures."),
    _("Emergency and protection case management, funded needs."),
    _("Supervises case workers and counsellors: safety alerts, approvals, the team's caseload."),
    _("Approves the largest funded needs, sets project budgets, follows every team."),
    _("Targeting, cards, cycles and vendor reconciliation."),
    _("School transport, courses and special education."),
    _("Skills profiles, job placement, grants and mentoring."),
    _("Community stabilisation projects, home repairs and rental agreements."),
    _(
        "Health needs surveys, trainings for government agencies, the coordination council, "
        "legislation review, referrals to prevention and vaccination."
    ),
    _("Registers people and households, checks duplicates, records consent."),
    _("Booked for appointments; sees only the appointments assigned."),
    _("Reads aggregate figures shared with partners."),
]
