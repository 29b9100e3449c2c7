from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("all/", views.case_list, name="case_list"),
    path("new/<int:person_pk>/", views.case_new, name="case_new"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("approvals/", views.approvals, name="approvals"),
    path("payments/", views.payments, name="payments"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("budgets/", views.budgets, name="budgets"),
]
