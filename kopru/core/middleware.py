import logging
import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import access

log = logging.getLogger("kopru.access")


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's, on every device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.session.get("kopru_language") if hasattr(request, "session") else None
        if lang and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.get_response(request)


class MissionMiddleware:
    """Sets request.mission (the mission the user is working in) and its time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.mission = None
        if request.user.is_authenticated:
            request.mission = current_mission(request)
        if request.mission:
            timezone.activate(zoneinfo.ZoneInfo(request.mission.timezone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def current_mission(request):
    missions = access.missions(request.user)
    chosen = request.session.get("kopru_mission")
    mission = missions.filter(pk=chosen).first() if chosen else None
    return mission or missions.order_by("pk").first()


class AccessPolicyMiddleware:
    """Applies the route table of kopru.core.access to every page. API routes are checked
    by their own auth (kopru.core.api) against the same module's API table."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match.namespace == "api-1" and match.view_name not in access.PAGES:
            return None
        rule = access.PAGES.get(match.view_name)
        if rule is None:
            log.error("route %s has no entry in the access policy; refused", match.view_name)
            raise PermissionDenied
        if rule == access.PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
        if rule != access.LOGIN and not access.is_verified(user):
            from django_otp import user_has_device

            target = "core:otp_verify" if user_has_device(user) else "core:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        if not access.allows(user, rule):
            raise PermissionDenied
        return None
