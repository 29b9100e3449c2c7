from django.conf import settings

from . import access, navigation


def kopru(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "languages": settings.LANGUAGES}
    match = getattr(request, "resolver_match", None)
    verified = access.is_verified(user)
    return {
        "nav_sections": navigation.items_for(user, match.view_name if match else None)
        if verified
        else [],
        "user_verified": verified,
        "current_mission": getattr(request, "mission", None),
        "user_missions": list(access.missions(user)) if verified else [],
        "languages": settings.LANGUAGES,
    }
