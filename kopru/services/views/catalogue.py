"""Administration of the catalogue, the interpreting languages, interpreters' availability,
and sites' rooms and opening hours."""

from datetime import time

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kopru.core.forms import BootstrapMixin
from kopru.core.models import Location, Sensitivity, User
from kopru.core.views import apply_errors
from kopru.registry import choices

from .. import appointments, services
from ..models import (
    Interpreter,
    InterpretingLanguage,
    Sector,
    ServiceType,
    Subject,
    SubSector,
    Unit,
)

LANGS = [("en", "English"), ("tr", "Türkçe"), ("ar", "العربية"), ("fa", "فارسی"), ("ru", "Русский")]
KINDS = {"unit": Unit, "sector": Sector, "sub_sector": SubSector, "service_type": ServiceType}


def catalogue(request):
    sectors = (
        Sector.objects.filter(mission=request.mission)
        .prefetch_related("sub_sectors__service_types__unit")
        .order_by("order")
    )
    return render(
        request,
        "services/catalogue.html",
        {
            "sectors": sectors,
            "units": Unit.objects.filter(mission=request.mission),
            "interpreting": [
                (lang, choices.language_name(lang.code))
                for lang in InterpretingLanguage.objects.filter(mission=request.mission)
            ],
        },
    )


class EntryForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=60)
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, initial=0)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, kind, mission, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in LANGS:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": name},
                required=code == "en",
                max_length=200,
            )
        if kind == "sub_sector":
            self.fields["parent"] = forms.ModelChoiceField(
                Sector.objects.filter(mission=mission), label=gettext_lazy("Sector")
            )
        if kind == "service_type":
            self.fields["sub_sector"] = forms.ModelChoiceField(
                SubSector.objects.filter(sector__mission=mission).select_related("sector"),
                label=gettext_lazy("Sub-sector"),
            )
            self.fields["unit"] = forms.ModelChoiceField(
                Unit.objects.filter(mission=mission), label=gettext_lazy("Unit")
            )
            self.fields["subjects"] = forms.MultipleChoiceField(
                choices=Subject.choices,
                label=gettext_lazy("Given to"),
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["category"] = forms.ChoiceField(
                choices=Sensitivity.choices, label=gettext_lazy("Sensitivity of its records")
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-control")


def catalogue_entry(request, kind, pk=None):
    model = KINDS.get(kind)
    if model is None:
        return redirect("services:catalogue")
    scope = (
        model.objects.filter(sector__mission=request.mission)
        if model is SubSector
        else model.objects.filter(mission=request.mission)
    )
    entry = get_object_or_404(scope, pk=pk) if pk else None
    initial = {}
    if entry is not None:
        initial = {"code": entry.code, "order": entry.order, "active": entry.active}
        initial.update({f"name_{c}": entry.names.get(c, "") for c, _n in LANGS})
        if kind == "sub_sector":
            initial["parent"] = entry.sector
        if kind == "service_type":
            initial.update(
                sub_sector=entry.sub_sector,
                unit=entry.unit,
                subjects=entry.subjects,
                category=entry.category,
            )
    form = EntryForm(request.POST or None, kind=kind, mission=request.mission, initial=initial)
    if entry is not None:
        form.fields["code"].disabled = True  # reports and the API refer to it
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if entry is None:
            entry = model() if model is SubSector else model(mission=request.mission)
            entry.code = data["code"]
        entry.names = {c: data[f"name_{c}"] for c, _n in LANGS if data.get(f"name_{c}")}
        entry.order, entry.active = data["order"], data["active"]
        if kind == "sub_sector":
            entry.sector = data["parent"]
        if kind == "service_type":
            entry.sub_sector, entry.unit = data["sub_sector"], data["unit"]
            entry.subjects, entry.category = data["subjects"], data["category"]
        try:
            services.save_catalogue_entry(request.user, entry, request=request)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Catalogue saved."))
            return redirect("services:catalogue")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": entry.name if entry else _("New entry"),
            "back": "services:catalogue",
        },
    )


@require_POST
def interpreting_language_add(request):
    code = request.POST.get("code", "")
    try:
        appointments.add_interpreting_language(request.user, request.mission, code, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = choices.language_name(code.strip().lower())
        messages.success(request, _("%(language)s added.") % {"language": name})
    return redirect("services:catalogue")


# --- Interpreters ---------------------------------------------------------------------------


class InterpreterForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    user = forms.ModelChoiceField(
        User.objects.none(), label=gettext_lazy("Kopru account"), required=False
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        codes = InterpretingLanguage.objects.filter(mission=mission).values_list("code", flat=True)
        self.fields["languages"].choices = [(c, choices.language_name(c)) for c in codes]
        self.fields["user"].queryset = User.objects.filter(missions=mission, is_active=True)
        self.sites = Location.objects.filter(mission=mission, level=Location.Level.SITE)


def _span_inputs(post, prefix, day):
    start, end = post.get(f"{prefix}-{day}-from", ""), post.get(f"{prefix}-{day}-until", "")
    if not start and not end:
        return None
    try:
        return time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        raise ValidationError(_("Give times as hh:mm.")) from None


def interpreter_list(request):
    rows = list(
        Interpreter.objects.filter(mission=request.mission).prefetch_related("availability")
    )
    for i in rows:
        i.language_names = [choices.language_name(c) for c in i.languages]
    return render(request, "services/interpreter_list.html", {"rows": rows})


def interpreter_edit(request, pk=None):
    interpreter = (
        get_object_or_404(Interpreter, pk=pk, mission=request.mission)
        if pk
        else Interpreter(mission=request.mission)
    )
    initial = {}
    if pk:
        initial = {
            "name": interpreter.name,
            "phone": interpreter.phone,
            "user": interpreter.user,
            "languages": interpreter.languages,
            "active": interpreter.active,
        }
    form = InterpreterForm(request.POST or None, mission=request.mission, initial=initial)
    current = {a.weekday: a for a in interpreter.availability.all()} if pk else {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spans = []
            for day in range(7):
                span = _span_inputs(request.POST, "av", day)
                if span:
                    site_id = request.POST.get(f"av-{day}-site", "")
                    site = form.sites.filter(pk=site_id).first() if site_id.isdigit() else None
                    spans.append((day, *span, site))
            for field in ("name", "phone", "user", "languages", "active"):
                setattr(interpreter, field, data[field] if field != "phone" else data[field])
            appointments.save_interpreter(
                request.user, interpreter, availability=spans, request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Interpreter saved."))
            return redirect("services:interpreter_list")
    days = [
        (day, WEEKDAYS[day], current.get(day), request.POST.get(f"av-{day}-from", ""))
        for day in range(7)
    ]
    return render(
        request,
        "services/interpreter_form.html",
        {"form": form, "days": days, "sites": form.sites, "interpreter": interpreter},
    )


def site_schedule(request, pk):
    site = get_object_or_404(Location, pk=pk, mission=request.mission, level=Location.Level.SITE)
    error = None
    if request.method == "POST":
        try:
            hours = []
            for day in range(7):
                for part in ("am", "pm"):
                    span = _span_inputs(request.POST, f"h{part}", day)
                    if span:
                        hours.append((day, *span))
            rooms = request.POST.get("rooms", "").splitlines()
            appointments.save_site_schedule(
                request.user, site, hours=hours, rooms=rooms, request=request
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Opening hours and rooms saved."))
            return redirect("services:site_day")
    spans = {}
    for h in site.opening_hours.all():
        spans.setdefault(h.weekday, []).append(h)
    days = [(day, WEEKDAYS[day], (spans.get(day, []) + [None, None])[:2]) for day in range(7)]
    return render(
        request,
        "services/site_schedule.html",
        {
            "site": site,
            "days": days,
            "rooms": "\n".join(site.rooms.filter(active=True).values_list("name", flat=True)),
            "error": error,
        },
    )
