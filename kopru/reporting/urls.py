from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly.pdf", views.quarterly_pdf, name="quarterly_pdf"),
    path("quarterly.xlsx", views.quarterly_xlsx, name="quarterly_xlsx"),
]
