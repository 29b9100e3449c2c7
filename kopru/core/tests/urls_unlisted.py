"""A URL configuration with one route the policy does not know (see test_access_routes)."""

from django.http import HttpResponse
from django.urls import path

from kopru.urls import urlpatterns as kopru_urls

urlpatterns = [
    path("unlisted/", lambda request: HttpResponse("should never be seen"), name="unlisted"),
    *kopru_urls,
]
