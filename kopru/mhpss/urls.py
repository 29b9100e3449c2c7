from django.urls import path

from . import views

app_name = "mhpss"

urlpatterns = [
    path("", views.home, name="home"),
    path("plan/", views.plan, name="plan"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("people/<int:pk>/measures/", views.person_measures, name="person_measures"),
    path("people/<int:pk>/measures/<str:instrument>/", views.measure_new, name="measure_new"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("feedback/", views.feedback_summary, name="feedback_summary"),
]
