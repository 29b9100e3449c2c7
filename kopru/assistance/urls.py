from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/cards/", views.card_list, name="card_list"),
    path("lists/<int:pk>/", views.run_detail, name="run_detail"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/households/", views.cycle_households, name="cycle_households"),
    path("distributions/<int:pk>/", views.distribution_detail, name="distribution_detail"),
    path("monitoring/<int:pk>/", views.pdm_interview, name="pdm_interview"),
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("warehouses/", views.warehouse_list, name="warehouse_list"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
]
