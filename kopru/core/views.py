"""Core pages. Thin: forms validate input, services write, selectors read."""

import io
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, exports, search, selectors, services
from .forms import (
    AuditFilterForm,
    LocationForm,
    LoginForm,
    MissionForm,
    ProfileForm,
    ProjectForm,
    RoleForm,
    TargetFormSet,
    TeamForm,
    TokenForm,
    UserForm,
)
from .models import ApiToken, AuditVerification, Location, Mission, Project, Role, Team, User

PAGE_SIZE = 50
THROTTLED = gettext_lazy("Too many wrong codes: wait a few seconds, then enter the current one.")


def favicon(request):
    """The icon's address is read per request: the hashed name exists only after collectstatic."""
    return redirect(static("kopru/favicon.svg"))


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def apply_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the form, on the field it names where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _next_url(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return redirect(default).url


# --- Sign-in and second factor --------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def otp_verify(request):
    if access.is_verified(request.user):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
            allowed, _info = device.verify_is_allowed()
            if allowed and device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error(
            "token", _("That code is not right, or it has expired. Try the current one.")
        )
    return render(request, "core/otp_verify.html", {"form": form})


def otp_setup(request):
    """Enrol an authenticator app: scan the code, then prove it with one token."""
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        return redirect("core:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("token", THROTTLED)
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            messages.success(request, _("Two-step sign-in is on for your account."))
            return redirect(_next_url(request))
        else:
            form.add_error("token", _("That code is not right. Check the time on your phone."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "core/otp_setup.html",
        {"form": form, "qr_svg": buffer.getvalue().decode(), "secret": secret},
    )


# --- Home, search, profile ------------------------------------------------------------------


def home(request):
    mission = request.mission
    context = {
        "teams": request.user.teams.filter(mission=mission, active=True).select_related("base")
        if mission
        else [],
        "role": request.user.role,
        "categories": sorted(access.categories(request.user)),
    }
    return render(request, "core/home.html", context)


def search_view(request):
    query = request.GET.get("q", "")
    results = search.search(request.user, request.mission, query)
    template = "core/_search_results.html" if request.htmx else "core/search.html"
    return render(request, template, {"query": query, "results": results})


def profile(request):
    form = ProfileForm(
        request.POST or None,
        instance=request.user,
        initial={"language": request.user.language or translation.get_language()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(request.user, form.save(commit=False), request=request)
        except ValidationError as exc:
            apply_errors(form, exc)
            return render(request, "core/profile.html", {"form": form, "devices": []})
        request.session["kopru_language"] = request.user.language
        translation.activate(request.user.language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("core:profile")
        response.set_cookie("django_language", request.user.language, samesite="Lax")
        return response
    devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=True)
    return render(request, "core/profile.html", {"form": form, "devices": devices})


def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("core:profile")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Change password"), "back": "core:profile"},
    )


@require_POST
def user_reset_otp(request, pk):
    user = get_object_or_404(User, pk=pk, missions__in=access.missions(request.user))
    services.reset_second_factor(request.user, user, request=request)
    messages.success(
        request,
        _("%(user)s will set up two-step sign-in again at the next sign-in.")
        % {"user": user.username},
    )
    return redirect("core:user_edit", pk=user.pk)


@require_POST
def user_unlock(request, pk):
    user = get_object_or_404(User, pk=pk, missions__in=access.missions(request.user))
    services.unlock_user(request.user, user, request=request)
    messages.success(request, _("%(user)s can sign in again.") % {"user": user.username})
    return redirect("core:user_edit", pk=user.pk)


@require_POST
def switch_mission(request):
    mission = get_object_or_404(access.missions(request.user), pk=request.POST.get("mission"))
    request.session["kopru_mission"] = mission.pk
    messages.info(request, _("You are now working in %(mission)s.") % {"mission": mission})
    return redirect(_next_url(request))


# --- API tokens -----------------------------------------------------------------------------


def token_list(request):
    raw = None
    if request.method == "POST":
        days = request.POST.get("expires_days") or ""
        try:
            expires = timezone.now() + timedelta(days=int(days)) if days else None
            _token, raw = services.issue_token(
                request.user,
                name=request.POST.get("name", ""),
                expires_at=expires,
                request=request,
            )
        except (ValueError, OverflowError):
            messages.error(request, _("The number of days must be a whole number."))
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/tokens.html", {"tokens": tokens, "raw_token": raw})


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(request.user, token, request=request)
    messages.success(request, _("The token is revoked; tools using it are now refused."))
    return redirect("core:token_list")


# --- Generic edit helper --------------------------------------------------------------------


def saved(request, form, save, message):
    """A valid posted `form` handed to `save(form)`, a service call: what it returns, with
    `message` (text, or a function of what was saved) shown to the user. None when nothing was
    posted, the form is invalid or the service refused; the refusal is then on the form, so the
    page shows it again with what was typed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = save(form)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, message(obj) if callable(message) else message)
    return obj


def _edit(request, form, save, template, success, context=None):
    """Validate the form, hand the object to a service, show errors in place."""
    if obj := saved(request, form, save, _("Saved.")):
        return redirect(success(obj))
    return render(request, template, {"form": form, **(context or {})})


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- Missions -------------------------------------------------------------------------------


def mission_list(request):
    missions = access.missions(request.user).annotate(n_locations=Count("locations"))
    return render(request, "core/mission_list.html", {"missions": missions})


def mission_edit(request, pk=None):
    mission = get_object_or_404(access.missions(request.user), pk=pk) if pk else Mission()
    form = MissionForm(request.POST or None, instance=mission)
    return _edit(
        request,
        form,
        lambda f: services.save_mission(request.user, f.save(commit=False), request=request),
        "core/form.html",
        lambda m: "core:mission_list",
        {"title": _("Mission"), "back": "core:mission_list"},
    )


# --- Locations ------------------------------------------------------------------------------


def location_list(request, pk=None):
    mission = request.mission
    node = None
    if pk:
        node = get_object_or_404(Location, pk=pk, mission=mission)
        children = node.children.all()
    else:
        children = Location.objects.filter(mission=mission, parent__isnull=True)
    query = request.GET.get("q", "").strip()
    if query:
        from .text import fold

        base = Location.objects.filter(mission=mission)
        if node:
            base = base.filter(path__startswith=node.path)
        children = base.filter(name_folded__contains=fold(query))
    children = children.annotate(n_children=Count("children")).order_by("name_folded")
    if exports.wants_csv(request):
        return exports.csv_response(
            request,
            "locations",
            [_("Name"), _("Level"), _("P-code"), _("ISO 3166-2 code"), _("Site type"), _("Active")],
            ((c.name, c.level, c.pcode, c.iso_code, c.site_type, c.active) for c in children),
        )
    return render(
        request,
        "core/location_list.html",
        {
            "node": node,
            "ancestors": node.ancestors() if node else [],
            # A country's provinces fit on one page (Türkiye has 81).
            "page": _page(request, children, size=100),
            "query": query,
            "can_manage": access.has(request.user, "core.manage_locations"),
            "can_add_site": node is not None and node.level == Location.Level.DISTRICT,
            "can_add_district": node is not None and node.level == Location.Level.PROVINCE,
        },
    )


CHILD_LEVEL = {
    Location.Level.PROVINCE: Location.Level.DISTRICT,
    Location.Level.DISTRICT: Location.Level.SITE,
}


def location_create(request, parent_pk):
    """A new district under a province, or a new site under a district."""
    parent = get_object_or_404(
        Location, pk=parent_pk, mission=request.mission, level__in=list(CHILD_LEVEL)
    )
    level = CHILD_LEVEL[parent.level]
    location = Location(mission=parent.mission, parent=parent, level=level)
    form = LocationForm(request.POST or None, instance=location)
    return _edit(
        request,
        form,
        lambda f: services.save_location(request.user, f.save(commit=False), request=request),
        "core/form.html",
        lambda loc: loc.parent.get_absolute_url(),
        {
            "title": (
                _("New site in %(district)s")
                if level == Location.Level.SITE
                else _("New district in %(province)s")
            )
            % {"district": parent.name, "province": parent.name},
            "back_url": parent.get_absolute_url(),
        },
    )


def location_edit(request, pk):
    location = get_object_or_404(Location, pk=pk, mission=request.mission)
    form = LocationForm(request.POST or None, instance=location)
    return _edit(
        request,
        form,
        lambda f: services.save_location(request.user, f.save(commit=False), request=request),
        "core/form.html",
        lambda loc: loc.get_absolute_url(),
        {"title": location.name, "back_url": location.get_absolute_url()},
    )


# --- Users ----------------------------------------------------------------------------------


def user_list(request):
    users = User.objects.filter(missions=request.mission).select_related("role").distinct()
    role = request.GET.get("role")
    if role:
        users = users.filter(role__slug=role)
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query) | users.filter(last_name__icontains=query)
    if exports.wants_csv(request):
        return exports.csv_response(
            request,
            "users",
            [_("Username"), _("Name"), _("Email"), _("Role"), _("Last sign-in"), _("Active")],
            (
                (u.username, u.get_full_name(), u.email, u.role, u.last_login, u.is_active)
                for u in users
            ),
        )
    return render(
        request,
        "core/user_list.html",
        {
            "page": _page(request, users),
            "roles": Role.objects.all(),
            "role": role,
            "query": query,
            "can_manage": access.has(request.user, "core.manage_users"),
        },
    )


def user_edit(request, pk=None):
    own = access.missions(request.user)
    user = get_object_or_404(User, pk=pk, missions__in=own) if pk else User()
    if pk:
        user = User.objects.get(pk=user.pk)
    context = {"title": _("User"), "back": "core:user_list"}
    if pk and services.is_locked_out(user):
        context["locked_user"] = user
    if pk and user_has_device(user, confirmed=None):
        context["otp_user"] = user
    form = UserForm(
        request.POST or None,
        instance=user,
        missions=own,
        initial={"language": user.language or "en"},
    )

    def save(f):
        return services.save_user(
            request.user,
            f.save(commit=False),
            missions=f.cleaned_data["missions"],
            password=f.cleaned_data["password"],
            request=request,
        )

    return _edit(
        request,
        form,
        save,
        "core/form.html",
        lambda u: "core:user_list",
        context,
    )


# --- Teams ----------------------------------------------------------------------------------


def team_list(request):
    teams = selectors.visible_teams(request.user, request.mission).annotate(
        n_members=Count("members", distinct=True)
    )
    if exports.wants_csv(request):
        return exports.csv_response(
            request,
            "teams",
            [_("Team"), _("Base"), _("Members"), _("Active")],
            ((t.name, t.base.name if t.base else "", t.n_members, t.active) for t in teams),
        )
    return render(
        request,
        "core/team_list.html",
        {"teams": teams, "can_manage": access.has(request.user, "core.manage_teams")},
    )


def team_detail(request, pk):
    team = get_object_or_404(selectors.visible_teams(request.user, request.mission), pk=pk)
    return render(
        request,
        "core/team_detail.html",
        {"team": team, "can_manage": access.has(request.user, "core.manage_teams")},
    )


def team_edit(request, pk=None):
    mission = request.mission
    team = get_object_or_404(Team, pk=pk, mission=mission) if pk else Team(mission=mission)
    form = TeamForm(request.POST or None, instance=team, mission=mission)

    def save(f):
        return services.save_team(
            request.user,
            f.save(commit=False),
            locations=list(f.cleaned_data["locations"]),
            members=list(f.cleaned_data["members"]),
            request=request,
        )

    return _edit(
        request,
        form,
        save,
        "core/form.html",
        lambda t: t.get_absolute_url(),
        {"title": _("Team"), "back": "core:team_list"},
    )


# --- Roles ----------------------------------------------------------------------------------


def role_list(request):
    roles = Role.objects.annotate(n_users=Count("users"))
    return render(request, "core/role_list.html", {"roles": roles})


def role_edit(request, pk):
    role = get_object_or_404(Role, pk=pk)
    form = RoleForm(request.POST or None, instance=role)
    return _edit(
        request,
        form,
        lambda f: services.save_role(request.user, f.save(commit=False), request=request),
        "core/form.html",
        lambda r: "core:role_list",
        {"title": str(role), "back": "core:role_list"},
    )


# --- Projects -------------------------------------------------------------------------------


def project_list(request):
    projects = Project.objects.filter(mission=request.mission).select_related("donor")
    if request.GET.get("active") == "1":
        projects = projects.filter(active=True)
    if exports.wants_csv(request):
        return exports.csv_response(
            request,
            "projects",
            [
                _("Code"),
                _("Name"),
                _("Donor"),
                _("Grant code"),
                _("Start date"),
                _("End date"),
                _("Active"),
            ],
            (
                (p.code, p.name, p.donor.name, p.grant_code, p.start_date, p.end_date, p.active)
                for p in projects
            ),
        )
    return render(
        request,
        "core/project_list.html",
        {
            "page": _page(request, projects),
            "can_manage": access.has(request.user, "core.manage_projects"),
        },
    )


def project_detail(request, pk):
    project = get_object_or_404(
        Project.objects.select_related("donor"), pk=pk, mission=request.mission
    )
    return render(
        request,
        "core/project_detail.html",
        {"project": project, "can_manage": access.has(request.user, "core.manage_projects")},
    )


def project_edit(request, pk=None):
    mission = request.mission
    project = get_object_or_404(Project, pk=pk, mission=mission) if pk else Project(mission=mission)
    form = ProjectForm(request.POST or None, instance=project, mission=mission)
    targets = TargetFormSet(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        rows = [
            (t["indicator"], t["target"], t["unit"])
            for t in targets.cleaned_data
            if t and not t.get("DELETE")
        ]
        try:
            saved = services.save_project(
                request.user,
                form.save(commit=False),
                provinces=list(form.cleaned_data["provinces"]),
                targets=rows,
                donor_name=form.cleaned_data["donor_name"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved.get_absolute_url())
    from .models import Donor

    return render(
        request,
        "core/project_form.html",
        {"form": form, "targets": targets, "project": project, "donors": Donor.objects.all()},
    )


# --- Audit log ------------------------------------------------------------------------------


def audit_list(request):
    entries = selectors.audit_entries(request.user, request.mission).select_related("actor")
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_name__icontains=data["actor"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["object_type"]:
            entries = entries.filter(object_type__icontains=data["object_type"])
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    if exports.wants_csv(request):
        return exports.csv_response(
            request,
            "audit",
            ["#", _("When"), _("Who"), _("Action"), _("Record"), _("Category"), _("Address")],
            (
                (
                    e.seq,
                    timezone.localtime(e.at).isoformat(),
                    e.actor_name,
                    e.action,
                    f"{e.object_type}:{e.object_id} {e.object_repr}",
                    e.category,
                    e.ip_address,
                )
                for e in entries.iterator()
            ),
        )
    checks = AuditVerification.objects.all()[:5]
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": _page(request, entries), "checks": checks},
    )


@require_POST
def audit_verify(request):
    try:
        services.request_audit_verification(request.user, request=request)
    except PermissionDenied:
        raise
    messages.info(request, _("The check is queued; its result appears below when it is done."))
    return redirect("core:audit_list")
