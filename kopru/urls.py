from django.urls import include, path
from django.views.i18n import set_language

from kopru.api import api
from kopru.core.views import favicon, healthz

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico when they show a PDF or an image alone.
    path("favicon.ico", favicon, name="favicon"),
    path("api/v1/", api.urls),
    path("registry/", include("kopru.registry.urls")),
    path("services/", include("kopru.services.urls")),
    path("health/", include("kopru.health.urls")),
    path("mhpss/", include("kopru.mhpss.urls")),
    path("cases/", include("kopru.casework.urls")),
    path("assistance/", include("kopru.assistance.urls")),
    path("education/", include("kopru.education.urls")),
    path("livelihoods/", include("kopru.livelihoods.urls")),
    path("community/", include("kopru.community.urls")),
    path("capacity/", include("kopru.capacity.urls")),
    path("reports/", include("kopru.reporting.urls")),
    path("", include("kopru.core.urls")),
]
