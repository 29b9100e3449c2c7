from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/register/", views.person_register, name="person_register"),
    path("people/matches/", views.person_matches, name="person_matches"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_pk>/household/", views.household_create, name="household_create"),
    path("people/<int:pk>/consent/", views.consent_record, name="consent_record"),
    path("people/<int:pk>/photo/", views.photo, name="photo"),
    path("people/<int:pk>/photo/upload/", views.photo_upload, name="photo_upload"),
    path("people/<int:pk>/photo/remove/", views.photo_remove, name="photo_remove"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("imports/new/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("duplicates/", views.duplicate_queue, name="duplicate_queue"),
    path("duplicates/<int:pk>/", views.duplicate_review, name="duplicate_review"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
]
