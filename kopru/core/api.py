"""/api/v1/core/: missions, locations, teams, roles, users, projects, tokens, audit."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from . import access, selectors, services
from .api_auth import policy
from .models import ApiToken, Location, Project, Role, User
from .schemas import (
    AuditOut,
    LocationOut,
    MeOut,
    MissionOut,
    NewTokenOut,
    ProjectIn,
    ProjectOut,
    RoleOut,
    SiteIn,
    TeamOut,
    TokenIn,
    TokenOut,
    UserOut,
)
from .text import fold

router = Router(tags=["core"])


def _mission_or_404(request):
    if request.mission is None:
        from django.http import Http404

        raise Http404
    return request.mission


@router.get("/me", response=MeOut, auth=policy("core.me"))
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role.slug if user.role else None,
        "mission": request.mission,
        "missions": list(access.missions(user)),
        "categories": sorted(access.categories(user)),
        "capabilities": sorted(access.capabilities(user)),
    }


@router.get("/missions", response=list[MissionOut], auth=policy("core.list_missions"))
def list_missions(request):
    return access.missions(request.user)


@router.get("/locations", response=list[LocationOut], auth=policy("core.list_locations"))
@paginate(PageNumberPagination)
def list_locations(
    request, level: str | None = None, parent: int | None = None, q: str | None = None
):
    qs = Location.objects.filter(mission=_mission_or_404(request))
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    if q:
        qs = qs.filter(name_folded__contains=fold(q))
    return qs.order_by("path")


@router.get("/locations/{location_id}", response=LocationOut, auth=policy("core.get_location"))
def get_location(request, location_id: int):
    return get_object_or_404(Location, pk=location_id, mission=_mission_or_404(request))


@router.post(
    "/locations", response={200: LocationOut, 201: LocationOut}, auth=policy("core.create_location")
)
def create_location(request, payload: SiteIn):
    mission = _mission_or_404(request)
    parent = get_object_or_404(Location, pk=payload.parent_id, mission=mission)
    existed = payload.uid and Location.objects.filter(uid=payload.uid).exists()
    site = services.create_site(
        request.user,
        mission=mission,
        parent=parent,
        name=payload.name,
        site_type=payload.site_type,
        uid=payload.uid,
        request=request,
    )
    return Status(200 if existed else 201, site)


@router.get("/teams", response=list[TeamOut], auth=policy("core.list_teams"))
def list_teams(request):
    teams = selectors.visible_teams(request.user, _mission_or_404(request)).prefetch_related(
        "locations", "members"
    )
    return [
        {
            **{f: getattr(t, f) for f in ("id", "uid", "name", "base_id", "active")},
            "location_ids": [loc.pk for loc in t.locations.all()],
            "member_ids": [m.pk for m in t.members.all()],
        }
        for t in teams
    ]


@router.get("/roles", response=list[RoleOut], auth=policy("core.list_roles"))
def list_roles(request):
    return Role.objects.all()


@router.get("/users", response=list[UserOut], auth=policy("core.list_users"))
@paginate(PageNumberPagination)
def list_users(request):
    users = User.objects.filter(missions=_mission_or_404(request)).select_related("role")
    return [
        {
            "id": u.pk,
            "username": u.username,
            "full_name": u.get_full_name(),
            "role": u.role.slug if u.role else None,
            "is_active": u.is_active,
        }
        for u in users.order_by("username")
    ]


def _project_out(p):
    return {
        **{
            f: getattr(p, f)
            for f in ("id", "uid", "code", "name", "grant_code", "start_date", "end_date", "active")
        },
        "donor": str(p.donor),
        "province_ids": [loc.pk for loc in p.provinces.all()],
        "targets": [
            {"indicator": t.indicator, "target": t.target, "unit": t.unit} for t in p.targets.all()
        ],
    }


@router.get("/projects", response=list[ProjectOut], auth=policy("core.list_projects"))
@paginate(PageNumberPagination)
def list_projects(request, active: bool | None = None):
    qs = Project.objects.filter(mission=_mission_or_404(request)).select_related("donor")
    if active is not None:
        qs = qs.filter(active=active)
    return [_project_out(p) for p in qs.prefetch_related("provinces", "targets")]


@router.post(
    "/projects", response={200: ProjectOut, 201: ProjectOut}, auth=policy("core.create_project")
)
def create_project(request, payload: ProjectIn):
    mission = _mission_or_404(request)
    existed = payload.uid and Project.objects.filter(uid=payload.uid).exists()
    provinces = list(Location.objects.filter(pk__in=payload.province_ids, mission=mission))
    if len(provinces) != len(set(payload.province_ids)):
        from django.core.exceptions import ValidationError

        raise ValidationError({"province_ids": [_("Unknown province.")]})
    project = services.create_project(
        request.user,
        uid=payload.uid,
        request=request,
        provinces=provinces,
        targets=[(t.indicator, t.target, t.unit) for t in payload.targets],
        mission=mission,
        code=payload.code,
        name=payload.name,
        donor_name=payload.donor,
        grant_code=payload.grant_code,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return Status(200 if existed else 201, _project_out(project))


@router.get("/tokens", response=list[TokenOut], auth=policy("core.list_tokens"))
def list_tokens(request):
    return ApiToken.objects.filter(user=request.user)


@router.post("/tokens", response={201: NewTokenOut}, auth=policy("core.create_token"))
def create_token(request, payload: TokenIn):
    token, raw = services.issue_token(
        request.user, name=payload.name, expires_at=payload.expires_at, request=request
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response=TokenOut, auth=policy("core.revoke_token"))
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    return services.revoke_token(request.user, token, request=request)


@router.get("/audit", response=list[AuditOut], auth=policy("core.list_audit"))
@paginate(PageNumberPagination)
def list_audit(
    request, action: str | None = None, object_type: str | None = None, actor: str | None = None
):
    qs = selectors.audit_entries(request.user, _mission_or_404(request))
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if actor:
        qs = qs.filter(actor_name=actor)
    return qs
