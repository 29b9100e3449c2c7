from django.urls import path

from . import indicator_views, views

app_name = "reporting"

urlpatterns = [
    path("indicators/", indicator_views.indicator_list, name="indicator_list"),
    path("indicators/new/", indicator_views.indicator_edit, name="indicator_create"),
    path("indicators/<int:pk>/", indicator_views.indicator_edit, name="indicator_edit"),
    path(
        "indicators/<int:pk>/targets/",
        indicator_views.indicator_targets,
        name="indicator_targets",
    ),
    path("targets/<int:pk>/", indicator_views.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", indicator_views.target_delete, name="target_delete"),
    path("progress/", indicator_views.progress, name="progress"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly.pdf", views.quarterly_pdf, name="quarterly_pdf"),
    path("quarterly.xlsx", views.quarterly_xlsx, name="quarterly_xlsx"),
    path("people/", views.people_export, name="people_export"),
    path("5w.csv", views.activities, {"kind": "csv"}, name="activities_csv"),
    path("5w-hxl.csv", views.activities, {"kind": "hxl"}, name="activities_hxl"),
    path("5w.xlsx", views.activities, {"kind": "xlsx"}, name="activities_xlsx"),
]
