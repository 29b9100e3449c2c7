from django.urls import path

from . import views

app_name = "livelihoods"

urlpatterns = [
    path("", views.home, name="home"),
    path("profiles/", views.profile_list, name="profile_list"),
    path("profiles/new/", views.profile_new, name="profile_new"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("employers/", views.employer_list, name="employer_list"),
    path("vacancies/", views.vacancy_list, name="vacancy_list"),
    path("vacancies/<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("vacancies/<int:pk>/edit/", views.vacancy_edit, name="vacancy_edit"),
    path("placements/", views.placement_list, name="placement_list"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/score/", views.score_sheet, name="score_sheet"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
]
