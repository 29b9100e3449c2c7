from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", views.otp_verify, name="otp_verify"),
    path("login/two-step/", views.otp_setup, name="otp_setup"),
    path("search/", views.search_view, name="search"),
    path("profile/", views.profile, name="profile"),
    path("mission/", views.switch_mission, name="switch_mission"),
    path("profile/password/", views.password_change, name="password_change"),
    path("profile/tokens/", views.token_list, name="token_list"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/<int:pk>/", views.location_list, name="location_detail"),
    path("locations/<int:parent_pk>/new-site/", views.location_create, name="location_create"),
    path("locations/<int:pk>/edit/", views.location_edit, name="location_edit"),
    path("admin/missions/", views.mission_list, name="mission_list"),
    path("admin/missions/new/", views.mission_edit, name="mission_create"),
    path("admin/missions/<int:pk>/", views.mission_edit, name="mission_edit"),
    path("admin/users/", views.user_list, name="user_list"),
    path("admin/users/new/", views.user_edit, name="user_create"),
    path("admin/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("admin/users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("admin/users/<int:pk>/reset-two-step/", views.user_reset_otp, name="user_reset_otp"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("admin/roles/", views.role_list, name="role_list"),
    path("admin/roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_edit, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("admin/audit/", views.audit_list, name="audit_list"),
    path("admin/audit/verify/", views.audit_verify, name="audit_verify"),
]
