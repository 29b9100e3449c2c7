"""What a report covers, as the user chooses it: a period and the filters."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Donor, Location, Project
from kopru.services.models import Sector, Unit

from . import report
from .engine import Scope

KINDS = [
    ("quarter", _("Quarter")),
    ("month", _("Month")),
    ("year", _("Year")),
    ("custom", _("From–until")),
]


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=KINDS, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[(q, f"Q{q}") for q in range(1, 5)],
        coerce=int,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("Month"), choices=[(m, m) for m in range(1, 13)], coerce=int, required=False
    )
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("Until"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=Donor.objects.none(), required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Location.objects.none(), required=False
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Location.objects.none(), required=False)
    shared = forms.BooleanField(
        label=_("For sharing outside the mission (small numbers hidden)"), required=False
    )

    def __init__(self, mission, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["unit"].queryset = Unit.objects.filter(mission=mission)
        self.fields["sector"].queryset = Sector.objects.filter(mission=mission)
        self.fields["project"].queryset = Project.objects.filter(mission=mission)
        self.fields["donor"].queryset = Donor.objects.filter(projects__mission=mission).distinct()
        self.fields["province"].queryset = Location.objects.filter(
            mission=mission, level=Location.Level.PROVINCE
        ).order_by("name")
        self.fields["site"].queryset = Location.objects.filter(
            mission=mission, level=Location.Level.SITE
        ).order_by("name")
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"
        self.fields["shared"].widget.attrs["class"] = "form-check-input"
        for name in ("start", "end"):
            self.fields[name].widget.input_type = "date"
            self.fields[name].widget.format = "%Y-%m-%d"
        default = report.last_quarter()
        for name, value in (
            ("period", "quarter"),
            ("year", default.start.year),
            ("quarter", (default.start.month - 1) // 3 + 1),
            ("month", default.start.month),
        ):
            self.fields[name].initial = value

    def clean(self):
        data = super().clean()
        kind = data.get("period") or "quarter"
        default = report.last_quarter()
        year = data.get("year") or default.start.year
        if kind == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Give both dates of the period."))
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            if end - start > datetime.timedelta(days=3 * 366):
                raise forms.ValidationError(_("A period is at most three years long."))
            data["the_period"] = report.Period("custom", start, end)
        elif kind == "year":
            data["the_period"] = report.year(year)
        elif kind == "month":
            data["the_period"] = report.month(year, data.get("month") or default.start.month)
        else:
            number = data.get("quarter") or (default.start.month - 1) // 3 + 1
            data["the_period"] = report.quarter(year, number)
        if data["the_period"].start > timezone.localdate():
            raise forms.ValidationError(_("This period has not started yet."))
        return data

    @property
    def is_shared(self):
        return self.is_valid() and bool(self.cleaned_data.get("shared"))

    def scope_and_period(self):
        """The chosen scope, or the last quarter of the whole mission when the form is bad."""
        if self.is_valid():
            d = self.cleaned_data
            period = d["the_period"]
            scope = Scope(
                self.mission,
                period.start,
                period.end,
                unit=d.get("unit"),
                sector=d.get("sector"),
                project=d.get("project"),
                donor=d.get("donor"),
                province=d.get("province"),
                site=d.get("site"),
            )
            return scope, period
        period = report.last_quarter()
        return Scope(self.mission, period.start, period.end), period


class PeopleExportForm(ReportForm):
    """A report's scope, and why its people's names must leave the system."""

    purpose = forms.CharField(
        label=_("Purpose"),
        min_length=15,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the names are needed and who will see them; kept in the audit log."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["shared"]
        self.fields["purpose"].widget.attrs["class"] = "form-control"

    @property
    def is_shared(self):
        return False
