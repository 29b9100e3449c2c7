from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("photos/<int:pk>/", views.project_photo, name="project_photo"),
    path("dwellings/", views.dwelling_list, name="dwelling_list"),
    path("dwellings/<int:pk>/", views.dwelling_detail, name="dwelling_detail"),
    path("repairs/", views.repair_list, name="repair_list"),
    path("repairs/<int:pk>/", views.repair_detail, name="repair_detail"),
    path("inspection-photos/<int:pk>/", views.repair_photo, name="repair_photo"),
    path("rentals/", views.agreement_list, name="agreement_list"),
    path("rentals/<int:pk>/", views.agreement_detail, name="agreement_detail"),
]
