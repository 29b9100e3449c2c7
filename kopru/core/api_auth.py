"""API authentication and the per-operation policy check.

Every operation names its policy key: `auth=policy("core.list_missions")`. The key must be
in kopru.core.access.API, or the module fails to import; an operation without it falls back
to the API's default, which refuses everything.
"""

from django.core.exceptions import PermissionDenied
from django.middleware.csrf import CsrfViewMiddleware
from ninja.security.base import AuthBase

from . import access
from .middleware import current_mission
from .services import authenticate_token


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class Policy(AuthBase):
    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, key):
        self.key = key
        self.rule = access.API[key]
        super().__init__()

    def __call__(self, request):
        user = self._token_user(request) or self._session_user(request)
        if user is None:
            return None
        request.user = user
        request.mission = _mission(request, user)
        if not access.allows(user, self.rule):
            raise PermissionDenied
        return user

    @staticmethod
    def _token_user(request):
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        user = authenticate_token(raw.strip())
        if user is not None:
            user.kopru_token_auth = True
        return user

    @staticmethod
    def _session_user(request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not access.is_verified(user):
            return None
        # A browser session needs the CSRF token for writes, like any form.
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if unsafe and _CsrfCheck(lambda r: None).process_view(request, None, (), {}) is not None:
            return None
        return user


def _mission(request, user):
    """A token client picks its mission with ?mission=TR; the default is its first one."""
    code = request.GET.get("mission")
    missions = access.missions(user)
    if code:
        return missions.filter(code__iexact=code).first()
    if getattr(request, "session", None) is not None and not getattr(
        user, "kopru_token_auth", False
    ):
        return current_mission(request)
    return missions.order_by("pk").first()


class DenyAll(AuthBase):
    """The API's default: an operation that did not name its policy is refused."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request):
        raise PermissionDenied


def policy(key):
    return Policy(key)
