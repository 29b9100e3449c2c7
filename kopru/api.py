"""/api/v1/: one NinjaAPI, a router per app, errors in one shape:
{"error": {"code": "...", "message": "...", "fields": {...}}}, the message translated."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from kopru.assistance.api import router as assistance_router
from kopru.capacity.api import router as capacity_router
from kopru.casework.api import router as casework_router
from kopru.community.api import router as community_router
from kopru.core.api import router as core_router
from kopru.core.api_auth import DenyAll
from kopru.education.api import router as education_router
from kopru.health.api import router as health_router
from kopru.livelihoods.api import router as livelihoods_router
from kopru.mhpss.api import router as mhpss_router
from kopru.registry.api import router as registry_router
from kopru.reporting.api import router as reporting_router
from kopru.services.api import router as services_router

api = NinjaAPI(
    title="Kopru API",
    version="1",
    description="Kopru's API. Authenticate with a personal token: `Authorization: Bearer kpr_…`.",
    urls_namespace="api-1",
    auth=DenyAll(),
)


def error(request, status, code, message, fields=None):
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


@api.exception_handler(NinjaValidationError)
def _invalid_request(request, exc):
    fields = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
    return error(request, 422, "invalid", _("Some fields are missing or not valid."), fields)


@api.exception_handler(ValidationError)
def _invalid_data(request, exc):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error(request, 400, "invalid", _("The data was not accepted."), fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(request, 403, "forbidden", _("Your role does not allow this."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "not_found", _("Not found, or not visible to you."))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error(request, exc.status_code, "error", str(exc))


api.add_router("/core/", core_router)
api.add_router("/registry/", registry_router)
api.add_router("/services/", services_router)
api.add_router("/health/", health_router)
api.add_router("/mhpss/", mhpss_router)
api.add_router("/casework/", casework_router)
api.add_router("/assistance/", assistance_router)
api.add_router("/education/", education_router)
api.add_router("/livelihoods/", livelihoods_router)
api.add_router("/community/", community_router)
api.add_router("/capacity/", capacity_router)
api.add_router("/reporting/", reporting_router)
