from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("people/<int:pk>/", views.person_record, name="person_record"),
    path("people/<int:pk>/consultations/new/", views.consultation_new, name="consultation_new"),
    path("people/<int:pk>/vaccinations/new/", views.immunization_new, name="immunization_new"),
    path("people/<int:pk>/assessments/new/", views.case_new, name="case_new"),
    path("people/<int:pk>/vaccination-card.pdf", views.vaccination_card, name="vaccination_card"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("assessments/", views.case_list, name="case_list"),
    path("assessments/<int:pk>/", views.case_detail, name="case_detail"),
    path("assessments/<int:pk>/ips/", views.case_ips, name="case_ips"),
    path("icd10/", views.icd10_search, name="icd10_search"),
    path("results/import/", views.results_import, name="results_import"),
    path("f/<str:token>/", views.follow_up_answer, name="follow_up_answer"),
]
