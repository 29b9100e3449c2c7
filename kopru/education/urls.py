from django.urls import path

from . import views

app_name = "education"

urlpatterns = [
    path("", views.home, name="home"),
    path("periods/", views.period_list, name="period_list"),
    path("routes/new/", views.route_new, name="route_new"),
    path("routes/<int:pk>/", views.route_detail, name="route_detail"),
    path("routes/costs/", views.cost_report, name="costs"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
    path("special/", views.special_list, name="special_list"),
    path("special/<int:pk>/", views.special_detail, name="special_detail"),
]
