"""Referrals and the service directory: make, follow, answer, print; the inbox and the
overdue list; an outside provider's one-time answer page."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent
from kopru.core.views import apply_errors
from kopru.registry import choices
from kopru.registry import selectors as people

from .. import panels, referrals, selectors, slips
from ..forms import MoveForm, ProviderForm, ReferralForm
from ..models import Provider, Referral, ServiceEvent, ServiceType


def referral_new(request, pk):
    person = get_object_or_404(people.visible_people(request.user, request.mission), pk=pk)
    event = None
    if request.GET.get("event", "").isdigit() or request.POST.get("event", "").isdigit():
        event = ServiceEvent.objects.filter(
            pk=request.GET.get("event") or request.POST.get("event"), mission=request.mission
        ).first()
    form = ReferralForm(
        request.POST or None,
        user=request.user,
        mission=request.mission,
        initial={"urgency": Referral.Urgency.ROUTINE},
    )
    consent_for = None  # the provider whose consent is missing, to record it in one click
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referrals.make_referral(
                request.user,
                person,
                provider=data["provider"],
                reason=data["reason"],
                urgency=data["urgency"],
                service_type=ServiceType.objects.filter(
                    mission=request.mission, code=data["service_type"]
                ).first(),
                from_event=event,
                team=request.user.teams.filter(mission=request.mission).first(),
                uid=request.POST.get("uid") or None,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            if "consent" in getattr(exc, "error_dict", {}):
                consent_for = data["provider"]
        else:
            messages.success(request, _("Referral %(number)s sent.") % {"number": referral.number})
            return redirect(referral.get_absolute_url())
    return render(
        request,
        "services/referral_form.html",
        {
            "person": person,
            "form": form,
            "event": event,
            "consent_for": consent_for,
            "uid": request.POST.get("uid") or uuid.uuid4(),
        },
    )


def _visible_referral(request, pk):
    referral = get_object_or_404(selectors.visible_referrals(request.user, request.mission), pk=pk)
    if not referrals.may_see(request.user, referral):
        raise PermissionDenied(_("Your role does not see this kind of referral."))
    return referral


def referral_detail(request, pk):
    referral = _visible_referral(request, pk)
    allowed = referrals.allowed_next(referral.status)
    receiving = referrals.receives(request.user, referral)
    form = MoveForm(request.POST or None, allowed=allowed)
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "link":
            try:
                token = referrals.issue_link(request.user, referral, request=request)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        elif form.is_valid():
            try:
                referrals.move(
                    request.user,
                    referral,
                    form.cleaned_data["status"],
                    feedback=form.cleaned_data["feedback"],
                    by_name=request.POST.get("by_name", ""),
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Referral updated."))
                return redirect(referral.get_absolute_url())
    if referral.category != "general":
        audit.record(
            request.user,
            AuditEvent.Action.VIEW,
            referral,
            request=request,
            category=referral.category,
        )
    return render(
        request,
        "services/referral_detail.html",
        {
            "r": referral,
            "actions": panels.actions(panels.REFERRAL_ACTIONS, request.user, referral),
            "form": form if allowed else None,
            "receiving": receiving,
            "updates": referral.updates.select_related("by"),
            "link": request.build_absolute_uri(f"/r/{token}/") if token else None,
            "overdue": referral.status in Referral.OPEN and referral.due < timezone.now(),
            "slip_languages": slips.LANGUAGES,
            "slip_language": slips.language_for(referral.person),
        },
    )


def referral_slip(request, pk):
    """The referral slip as PDF, in the person's language (or the one asked for)."""
    referral = _visible_referral(request, pk)
    language = request.GET.get("lang") or slips.language_for(referral.person)
    if language not in dict(slips.LANGUAGES):
        raise Http404
    pdf = slips.referral_pdf(referral, language)
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        referral,
        request=request,
        category=referral.category,
        details={"slip": language},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{referral.number}.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response


def referral_list(request):
    """Referrals the user sees, filtered by status; `?overdue=1` is the overdue dashboard."""
    found = selectors.visible_referrals(request.user, request.mission)
    status = request.GET.get("status", "")
    only_overdue = bool(request.GET.get("overdue"))
    if only_overdue:
        found = referrals.overdue(request.user, request.mission)
    elif status in Referral.Status.values:
        found = found.filter(status=status)
    seen = access.categories(request.user)
    now = timezone.now()
    page = Paginator(found.order_by("due") if only_overdue else found, 50).get_page(
        request.GET.get("page")
    )
    for r in page:
        r.shown = r.category in seen or referrals.involved(request.user, r)
        r.is_overdue = r.status in Referral.OPEN and r.due < now
        r.late_days = (now - r.due).days if r.is_overdue else 0
    open_ = selectors.visible_referrals(request.user, request.mission).filter(
        status__in=Referral.OPEN
    )
    return render(
        request,
        "services/referral_list.html",
        {
            "page": page,
            "status": status,
            "only_overdue": only_overdue,
            "statuses": Referral.Status.choices,
            "counts": {
                "open": open_.count(),
                "overdue": open_.filter(due__lt=now).count(),
                "inbox": selectors.inbox(request.user, request.mission).count(),
            },
        },
    )


def inbox(request):
    """Referrals sent to the user's teams, waiting for them to act, soonest due first."""
    found = selectors.inbox(request.user, request.mission)
    now = timezone.now()
    rows = list(found[:200])
    for r in rows:
        r.is_overdue = r.due < now
    return render(request, "services/inbox.html", {"rows": rows})


# --- An outside provider's answer ----------------------------------------------------------


def link_answer(request, token):
    """Public: an outside provider answers one referral, once, without an account. It shows
    only what the slip carries."""
    link = referrals.link_referral(token)
    if link is None:
        return render(request, "services/link_used.html", status=410)
    referral = link.referral
    form = MoveForm(
        request.POST or None, allowed=referrals.allowed_next(referral.status), with_name=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            referrals.answer_by_link(
                token,
                form.cleaned_data["status"],
                feedback=form.cleaned_data["feedback"],
                by_name=form.cleaned_data["by_name"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(request, "services/link_used.html", {"thanks": True})
    return render(request, "services/link_answer.html", {"r": referral, "form": form})


# --- The directory --------------------------------------------------------------------------


def directory(request):
    providers = (
        Provider.objects.filter(mission=request.mission)
        .select_related("location", "team")
        .prefetch_related("offers")
    )
    kind = request.GET.get("kind", "")
    if kind in Provider.Kind.values:
        providers = providers.filter(kind=kind)
    language = request.GET.get("language", "")
    rows = [p for p in providers if not language or language in p.languages]
    for p in rows:
        p.language_names = [choices.language_name(c) for c in p.languages]
    return render(
        request,
        "services/directory.html",
        {
            "rows": rows,
            "kinds": Provider.Kind.choices,
            "kind": kind,
            "language": language,
            "language_choices": choices.languages(),
            "can_manage": access.has(request.user, "services.manage_directory"),
        },
    )


def provider_edit(request, pk=None):
    provider = (
        get_object_or_404(Provider, pk=pk, mission=request.mission)
        if pk
        else Provider(mission=request.mission)
    )
    form = ProviderForm(request.POST or None, instance=provider, mission=request.mission)
    if request.method == "POST" and form.is_valid():
        try:
            referrals.save_provider(
                request.user,
                form.save(commit=False),
                offers=form.cleaned_data["offers"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Directory entry saved."))
            return redirect("services:directory")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Directory entry") if pk else _("New directory entry"),
            "back": "services:directory",
        },
    )
