from django.urls import path

from .views import appointments, catalogue, centres, ledger, referrals

app_name = "services"

urlpatterns = [
    # The ledger
    path("people/<int:pk>/record/", ledger.record_for_person, name="record_for_person"),
    path("households/<int:pk>/record/", ledger.record_for_household, name="record_for_household"),
    path("people/<int:pk>/timeline/", ledger.timeline, name="timeline"),
    path("events/<int:pk>/", ledger.event_detail, name="event_detail"),
    path("day-sheet/", ledger.day_sheet, name="day_sheet"),
    path("day-sheet/lookup/", ledger.day_sheet_lookup, name="day_sheet_lookup"),
    path("centres/", centres.centre_activity, name="centre_activity"),
    # Referrals and the directory
    path("people/<int:pk>/refer/", referrals.referral_new, name="referral_new"),
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/inbox/", referrals.inbox, name="inbox"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/slip.pdf", referrals.referral_slip, name="referral_slip"),
    path("r/<str:token>/", referrals.link_answer, name="link_answer"),
    path("directory/", referrals.directory, name="directory"),
    path("directory/new/", referrals.provider_edit, name="provider_create"),
    path("directory/<int:pk>/", referrals.provider_edit, name="provider_edit"),
    # Appointments
    path("people/<int:pk>/book/", appointments.appointment_new, name="appointment_new"),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment_detail"),
    path("calendar/", appointments.site_day, name="site_day"),
    path("interpreters/day/", appointments.interpreter_day, name="interpreter_day_own"),
    path("interpreters/<int:pk>/day/", appointments.interpreter_day, name="interpreter_day"),
    path("reminders/", appointments.send_reminders, name="send_reminders"),
    # Administration
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/<str:kind>/new/", catalogue.catalogue_entry, name="catalogue_new"),
    path("catalogue/<str:kind>/<int:pk>/", catalogue.catalogue_entry, name="catalogue_edit"),
    path(
        "catalogue/languages/",
        catalogue.interpreting_language_add,
        name="interpreting_language_add",
    ),
    path("interpreters/", catalogue.interpreter_list, name="interpreter_list"),
    path("interpreters/new/", catalogue.interpreter_edit, name="interpreter_create"),
    path("interpreters/<int:pk>/", catalogue.interpreter_edit, name="interpreter_edit"),
    path("sites/<int:pk>/schedule/", catalogue.site_schedule, name="site_schedule"),
]
