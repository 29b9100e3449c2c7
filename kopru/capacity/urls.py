from django.urls import path  # noqa: F401

from . import (
    views,  # noqa: F401
    views_council,
    views_home,
    views_legislation,
    views_prevention,
    views_surveys,
    views_trainings,
)

app_name = "capacity"

urlpatterns = [
    # --- trainings, council and legislation ---
    path("", views_home.home, name="home"),
    path("trainings/", views_trainings.training_list, name="training_list"),
    path("trainings/new/", views_trainings.training_new, name="training_new"),
    path("trainings/<int:pk>/", views_trainings.training_detail, name="training_detail"),
    path("participants/", views_trainings.participant_list, name="participant_list"),
    path("participants/<int:pk>/", views_trainings.participant_detail, name="participant_detail"),
    path("agencies/", views_trainings.agency_list, name="agency_list"),
    path("council/", views_council.council_list, name="council_list"),
    path("council/<int:pk>/", views_council.council_detail, name="council_detail"),
    path("council/meetings/<int:pk>/", views_council.meeting_detail, name="meeting_detail"),
    path(
        "council/meetings/<int:pk>/minutes/", views_council.meeting_minutes, name="meeting_minutes"
    ),
    path("council/actions/", views_council.action_item_list, name="action_item_list"),
    path("legislation/", views_legislation.instrument_list, name="instrument_list"),
    path("legislation/<int:pk>/", views_legislation.instrument_detail, name="instrument_detail"),
    path("recommendations/", views_legislation.recommendation_list, name="recommendation_list"),
    path(
        "recommendations/<int:pk>/",
        views_legislation.recommendation_detail,
        name="recommendation_detail",
    ),
    # --- end trainings, council and legislation ---
    # --- surveys and prevention ---
    path("surveys/", views_surveys.home, name="survey_home"),
    path("surveys/response/<int:pk>/", views_surveys.response_detail, name="survey_response"),
    path("surveys/<str:pk>/", views_surveys.summary, name="survey_summary"),
    path("surveys/<str:pk>/summary.csv", views_surveys.summary_csv, name="survey_summary_csv"),
    path("surveys/<str:pk>/responses/", views_surveys.responses, name="survey_responses"),
    path("surveys/<str:pk>/new/", views_surveys.new, name="survey_new"),
    path("surveys/<str:pk>/import/", views_surveys.import_file, name="survey_import"),
    path("prevention/", views_prevention.home, name="prevention_home"),
    path("prevention/refer/", views_prevention.refer, name="prevention_refer"),
    path("prevention/tally/", views_prevention.tally, name="prevention_tally"),
    path(
        "prevention/programmes/<str:pk>/", views_prevention.programme, name="prevention_programme"
    ),
    path("prevention/referrals/<int:pk>/", views_prevention.referral, name="prevention_referral"),
    # --- end surveys and prevention ---
]
