"""Forms of the indicator pages. They only read and shape input: the rules are in
models.Indicator.clean / Target.clean and services.py, whose errors the views put on these
fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin, DateInput
from kopru.core.models import Donor, Project
from kopru.services.models import Sector, ServiceType, SubSector, Unit

from . import report
from .models import AGE_BANDS, Indicator, Target, group_choices, sex_choices


def service_groups(mission):
    """The catalogue grouped by sector and sub-sector, as the services pages show it:
    [(sector, [(sub-sector, [service type])])]."""
    types = (
        ServiceType.objects.filter(mission=mission)
        .select_related("sub_sector__sector")
        .order_by("sub_sector__sector__order", "sub_sector__order", "order", "code")
    )
    sectors = {}
    for st in types:
        sub = st.sub_sector
        subs = sectors.setdefault(sub.sector, {})
        subs.setdefault(sub, []).append(st)
    return [(sector, list(subs.items())) for sector, subs in sectors.items()]


class IndicatorForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Short and stable, e.g. PSS-01.")
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("As the donor reads it, e.g. # of people receiving MHPSS services."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How it is counted and where it is reported."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Indicator.Kind.choices, widget=forms.RadioSelect
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    measure = forms.ChoiceField(
        label=_("What to count"),
        choices=[("", "—"), *Indicator.Measure.choices],
        required=False,
    )
    service_types = forms.TypedMultipleChoiceField(
        label=_("Services"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every service."),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, empty_label=_("Any")
    )
    sub_sector = forms.ModelChoiceField(
        label=_("Sub-sector"),
        queryset=SubSector.objects.none(),
        required=False,
        empty_label=_("Any"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("Any")
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    age_bands = forms.MultipleChoiceField(
        label=_("Age bands"),
        choices=[(b, b) for b in AGE_BANDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every age. Age is taken on the day of the service."),
    )
    population_group = forms.ChoiceField(
        label=_("Population group"),
        required=False,
        help_text=_(
            "People counted by head at group sessions have no population group: with a group "
            "chosen, only registered people are counted."
        ),
    )
    disability_only = forms.BooleanField(
        label=_("People with a disability only"),
        required=False,
        help_text=_("Washington Group: a lot of difficulty or cannot do at all in any domain."),
    )
    numerator = forms.ModelChoiceField(
        label=_("Numerator"), queryset=Indicator.objects.none(), required=False
    )
    denominator = forms.ModelChoiceField(
        label=_("Denominator"), queryset=Indicator.objects.none(), required=False
    )

    FIELDS = (
        "code",
        "name",
        "description",
        "kind",
        "active",
        "measure",
        "sector",
        "sub_sector",
        "unit",
        "sex",
        "age_bands",
        "population_group",
        "disability_only",
        "numerator",
        "denominator",
    )

    def __init__(self, *args, mission, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.groups = service_groups(mission)
        self.fields["service_types"].choices = [
            (sector.name, [(st.pk, st.name) for _sub, types in subs for st in types])
            for sector, subs in self.groups
        ]
        self.fields["sector"].queryset = Sector.objects.filter(mission=mission)
        self.fields["sub_sector"].queryset = SubSector.objects.filter(
            sector__mission=mission
        ).select_related("sector")
        self.fields["unit"].queryset = Unit.objects.filter(mission=mission)
        self.fields["sex"].choices = [("", _("Any")), *sex_choices()]
        self.fields["population_group"].choices = [("", _("Any")), *group_choices()]
        counts = Indicator.objects.filter(mission=mission, kind=Indicator.Kind.COUNT)
        if indicator is not None and indicator.pk:
            counts = counts.exclude(pk=indicator.pk)
        for name in ("numerator", "denominator"):
            self.fields[name].queryset = counts

    @classmethod
    def initial_for(cls, indicator):
        if indicator.pk is None:
            return {"kind": Indicator.Kind.COUNT, "measure": Indicator.Measure.PEOPLE}
        initial = {name: getattr(indicator, name) for name in cls.FIELDS}
        initial["service_types"] = [st.pk for st in indicator.service_types.all()]
        return initial

    def chosen_types(self):
        """For the template: the service type ids ticked (the posted ones after a POST)."""
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("service_types"))
        else:
            values = self.initial.get("service_types") or []
        return {str(v) for v in values}

    def type_groups(self):
        """For the template: [(sector, any ticked, [(sub-sector, [(type, ticked)])])]."""
        chosen = self.chosen_types()
        out = []
        for sector, subs in self.groups:
            rows = [(sub, [(st, str(st.pk) in chosen) for st in types]) for sub, types in subs]
            ticked = any(t for _sub, types in rows for _st, t in types)
            out.append((sector, ticked, rows))
        return out

    def chosen_bands(self):
        if self.is_bound:
            return set(self.data.getlist(self.add_prefix("age_bands")))
        return set(self.initial.get("age_bands") or [])

    def apply(self, indicator):
        """Copy the cleaned input onto the indicator; returns the chosen service types."""
        data = self.cleaned_data
        for name in self.FIELDS:
            setattr(indicator, name, data[name])
        return list(ServiceType.objects.filter(pk__in=data["service_types"]))


class TargetForm(BootstrapMixin, forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Whole mission"),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    value = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2)

    def __init__(self, *args, mission, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(mission=mission).select_related(
            "donor"
        )
        self.fields["start"].help_text = _("Leave both dates empty to use the project's dates.")
        if indicator.is_ratio:
            self.fields["value"].label = _("Target (%)")

    def clean(self):
        data = super().clean()
        project, start, end = data.get("project"), data.get("start"), data.get("end")
        if start is None and end is None and project is not None:
            data["start"], data["end"] = project.start_date, project.end_date
        elif start is None or end is None:
            raise forms.ValidationError(
                _("Give both dates of the period, or choose a project to use its dates.")
            )
        return data

    def apply(self, target):
        for name in ("project", "start", "end", "value"):
            setattr(target, name, self.cleaned_data[name])
        return target

    @staticmethod
    def initial_for(target):
        return {
            "project": target.project,
            "start": target.start,
            "end": target.end,
            "value": target.value_text,
        }


class ProgressForm(BootstrapMixin, forms.Form):
    """Which targets, as of which day: a project or a donor, a year or a quarter, a day."""

    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False, empty_label=_("All")
    )
    donor = forms.ModelChoiceField(
        label=_("Donor"), queryset=Donor.objects.none(), required=False, empty_label=_("All")
    )
    period = forms.ChoiceField(label=_("Targets of"), required=False)
    on = forms.DateField(label=_("As of"), required=False, widget=DateInput())

    def __init__(self, mission, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["project"].queryset = Project.objects.filter(mission=mission)
        self.fields["donor"].queryset = Donor.objects.filter(projects__mission=mission).distinct()
        today = timezone.localdate()
        years = set()
        for start, end in Target.objects.filter(indicator__mission=mission).values_list(
            "start", "end"
        ):
            years.update(range(start.year, end.year + 1))
        years = sorted(years or {today.year}, reverse=True)
        choices = [("", _("Every period started by the day"))]
        for y in years:
            choices.append((str(y), report.year(y).label))
            choices += [(f"{y}-Q{q}", report.quarter(y, q).label) for q in range(1, 5)]
        self.fields["period"].choices = choices
        self.fields["on"].initial = today
        for name in ("project", "donor", "period"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["on"].widget.attrs["class"] = "form-control form-control-sm"

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on and on > timezone.localdate():
            raise forms.ValidationError(_("Choose a day up to today: nothing is counted later."))
        return on

    def choice(self):
        """(on, within, project, donor): the day progress is measured on, the period whose
        targets are shown (or None), and the project or donor."""
        today = timezone.localdate()
        if not self.is_bound or not self.is_valid():
            return today, None, None, None
        d = self.cleaned_data
        on = d.get("on") or today
        within = None
        if d.get("period"):
            code = d["period"]
            if "-Q" in code:
                y, q = code.split("-Q")
                period = report.quarter(int(y), int(q))
            else:
                period = report.year(int(code))
            within = (period.start, period.end)
            on = min(on, period.end)
        return on, within, d.get("project"), d.get("donor")
