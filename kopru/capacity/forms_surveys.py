"""Forms of the survey and prevention pages. A survey form is built from its definition;
every field is optional here because the rules (required, limits, skip logic) are the
definition's, checked once by survey_forms.clean on the server."""

import json
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin, DateInput
from kopru.core.models import Location
from kopru.core.text import in_language
from kopru.health import immunization

from . import prevention, survey_forms

AGE_BANDS = ("0-4", "5-11", "12-17", "18-59", "60+")


class SurveyResponseForm(BootstrapMixin, forms.Form):
    uid = forms.UUIDField(widget=forms.HiddenInput)
    person_reference = forms.CharField(
        label=_("Registered person (reference), if the respondent agreed to be linked"),
        required=False,
        max_length=40,
    )

    def __init__(self, *args, definition, places, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("uid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.items = []  # (question, field name or None, relevant tree as JSON)
        for q in definition["questions"]:
            tree = json.dumps(q["relevant_tree"]) if q.get("relevant_tree") else ""
            if q["type"] == "note":
                self.items.append((q, None, tree))
                continue
            self.fields[q["name"]] = self._field(q, places)
            self.items.append((q, q["name"], tree))
        # The mixin styled the fields the class declares; these are added after it ran.
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif not field.widget.is_hidden:
                field.widget.attrs["class"] = "form-control"
            field.widget.attrs["data-question"] = name

    def _field(self, q, places):
        label = survey_forms.label(q["label"])
        kind = q["type"]
        options = [
            (c["name"], in_language(c["label"])) for c in survey_forms.choices(self.definition, q)
        ]
        if kind == "select_one":
            return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *options])
        if kind == "select_multiple":
            return forms.MultipleChoiceField(
                label=label, required=False, choices=options, widget=forms.CheckboxSelectMultiple
            )
        if kind == "yes_no":
            return forms.ChoiceField(
                label=label,
                required=False,
                choices=[("yes", _("Yes")), ("no", _("No"))],
                widget=forms.RadioSelect,
            )
        if kind == "place":
            levels = q.get("levels") or []
            return forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "—")]
                + [(code, loc.name) for code, loc in places.items() if loc.level in levels],
            )
        attrs = {}
        if kind in ("integer", "decimal"):
            attrs = {"type": "number", "step": "1" if kind == "integer" else "any"}
            for bound in ("min", "max"):
                if q.get(bound) is not None:
                    attrs[bound] = q[bound]
        elif kind == "date":
            attrs = {"type": "date"}
        widget = forms.Textarea(attrs={"rows": 2}) if kind == "text" else forms.TextInput(attrs)
        return forms.CharField(label=label, required=False, widget=widget)

    def rows(self):
        """(question, bound field or None for a note, relevant tree as JSON, label)."""
        return [
            (q, self[name] if name else None, tree, survey_forms.label(q["label"]))
            for q, name, tree in self.items
        ]

    def raw(self):
        """What was typed, by question, for survey_forms.clean."""
        return {
            name: self.cleaned_data.get(name) for _q, name, _tree in self.items if name is not None
        }


class SurveyImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("KoboToolbox or ODK export (XLSX or CSV)"),
        help_text=_(
            "Export with XML values and headers; group names in the headers are fine. Up to 5 MB."
        ),
    )


def _places(mission, user, levels=(Location.Level.SITE, Location.Level.DISTRICT)):
    from kopru.core import access

    test = access.location_test(user, mission)
    return [
        loc
        for loc in Location.objects.filter(mission=mission, level__in=levels, active=True)
        if test(loc)
    ]


class _PlaceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReferralForm(BootstrapMixin, forms.Form):
    uid = forms.UUIDField(widget=forms.HiddenInput)
    person_reference = forms.CharField(label=_("Registered person (reference)"), max_length=40)
    programme = forms.ChoiceField(label=_("Programme"))
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=None)
    referred_on = forms.DateField(label=_("Referred on"), widget=DateInput())
    location = _PlaceChoice(label=_("Referred at"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, mission, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("uid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            (c, prevention.name(c)) for c in prevention.programmes()
        ]
        self.fields["facility"].queryset = prevention.facilities(mission)
        places = _places(mission, user)
        self.fields["location"].queryset = Location.objects.filter(pk__in=[p.pk for p in places])


def vaccine_choices():
    vaccines = immunization.load_vaccines()
    codes = dict.fromkeys(c for p in prevention.programmes().values() for c in p["vaccines"])
    return [("", "—")] + [(c, in_language(vaccines[c]["names"])) for c in codes if c in vaccines]


class OutcomeForm(BootstrapMixin, forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Reached")), ("no", _("Not reached"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("Reached on"), required=False, widget=DateInput())
    vaccine = forms.ChoiceField(label=_("Vaccine given"), required=False)
    dose = forms.IntegerField(label=_("Dose number"), required=False, min_value=1, max_value=9)
    reason = forms.ChoiceField(label=_("Why not reached"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        vaccines = vaccine_choices()
        if programme is not None:
            allowed = set(prevention.programmes().get(programme, {}).get("vaccines", []))
            vaccines = [v for v in vaccines if not v[0] or v[0] in allowed]
            if not allowed:
                del self.fields["vaccine"], self.fields["dose"]
        if "vaccine" in self.fields:
            self.fields["vaccine"].choices = vaccines
        self.fields["reason"].choices = [("", "—")] + [
            (c, prevention.name(c)) for c in prevention.reasons()
        ]


class TallyForm(BootstrapMixin, forms.Form):
    uid = forms.UUIDField(widget=forms.HiddenInput)
    programme = forms.ChoiceField(label=_("Programme"))
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    location = _PlaceChoice(label=_("Place"), queryset=None)
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=None, required=False)
    reached = forms.IntegerField(
        label=_("People the facility reported reached"), required=False, min_value=0
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, mission, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("uid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            (c, prevention.name(c)) for c in prevention.programmes()
        ]
        self.fields["facility"].queryset = prevention.facilities(mission)
        places = _places(mission, user)
        self.fields["location"].queryset = Location.objects.filter(pk__in=[p.pk for p in places])
        self.cells = []
        for sex, sex_label in (("female", _("Women and girls")), ("male", _("Men and boys"))):
            for band in AGE_BANDS:
                name = f"n_{sex}_{band}"
                self.fields[name] = forms.IntegerField(
                    label=f"{sex_label} {band}",
                    required=False,
                    min_value=0,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                )
                self.cells.append((sex, band, name))

    def headcounts(self):
        return [
            {"sex": sex, "age_band": band, "disability": False, "count": self.cleaned_data[name]}
            for sex, band, name in self.cells
            if self.cleaned_data.get(name)
        ]
