"""Forms of the community pages: they read and shape input; the rules are in the write
modules (projects, repairs, rentals), whose errors the views put on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core import access
from kopru.core.forms import BootstrapMixin, DateInput
from kopru.core.models import Location, Project
from kopru.registry.models import Household, PopulationGroup
from kopru.services.models import AgeBand, HeadcountSex

from . import services
from .models import Inspection

DATE = DateInput()
SEXES = [HeadcountSex.FEMALE, HeadcountSex.MALE]


def _districts(mission, user):
    districts = Location.objects.filter(
        mission=mission, level=Location.Level.DISTRICT
    ).select_related("parent")
    return access.in_places(user, districts, mission, "path").order_by("parent__name", "name")


class EmptyForm(forms.Form):
    """For buttons whose only input is the row they act on."""


class ProjectForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    municipality = forms.CharField(label=_("Municipality"), max_length=150)
    district = forms.ModelChoiceField(label=_("District"), queryset=None)
    facility = forms.ChoiceField(label=_("Facility"))
    facility_name = forms.CharField(label=_("Facility's name"), max_length=200, required=False)
    project = forms.ModelChoiceField(label=_("Project and donor"), queryset=None, required=False)
    budget = forms.CharField(label=_("Budget (TRY)"), max_length=20)
    contractor = forms.CharField(label=_("Contractor"), max_length=150, required=False)
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("Planned end"), widget=DATE)

    def __init__(self, *args, mission, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts(mission, user)
        self.fields["district"].label_from_instance = lambda d: f"{d.parent.name} / {d.name}"
        self.fields["facility"].choices = services.choices(services.facilities())
        self.fields["project"].queryset = Project.objects.filter(mission=mission, active=True)

    @staticmethod
    def initial_for(project):
        return {
            "title": project.title,
            "municipality": project.municipality,
            "district": project.district_id,
            "facility": project.facility,
            "facility_name": project.facility_name,
            "project": project.project_id,
            "budget": project.budget,
            "contractor": project.contractor,
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
        }


class MilestoneForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Milestone"), max_length=150)
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)


class DoneForm(BootstrapMixin, forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("Done on"), widget=DATE)


class PhotoForm(BootstrapMixin, forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG or PNG)"))
    caption = forms.CharField(label=_("Caption"), max_length=200)
    taken_on = forms.DateField(label=_("Taken on"), widget=DATE)
    milestone = forms.ChoiceField(label=_("Milestone"), required=False)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        rows = project.milestones.all() if project is not None else []
        self.fields["milestone"].choices = [("", "—"), *[(m.pk, m.name) for m in rows]]


class PaymentForm(BootstrapMixin, forms.Form):
    amount = forms.CharField(label=_("Amount (TRY)"), max_length=20)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    reference = forms.CharField(label=_("Reference (invoice or transfer)"), max_length=60)


class CatchmentForm(BootstrapMixin, forms.Form):
    """The catchment by sex and age band, and optionally by population group."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        small = {"class": "form-control form-control-sm", "min": 0}
        for sex in SEXES:
            for band in AgeBand.values:
                self.fields[f"c_{sex}_{band}"] = forms.IntegerField(
                    label=f"{sex.label} {band}",
                    min_value=0,
                    required=False,
                    widget=forms.NumberInput(small),
                )
        for value, name in PopulationGroup.choices:
            self.fields[f"g_{value}"] = forms.IntegerField(
                label=name, min_value=0, required=False, widget=forms.NumberInput(small)
            )

    def grid(self):
        """[(age band, [field per sex])] for the table."""
        return [(band, [self[f"c_{sex}_{band}"] for sex in SEXES]) for band in AgeBand.values]

    def group_fields(self):
        return [self[f"g_{value}"] for value in PopulationGroup.values]

    def cells(self):
        data = self.cleaned_data
        return {
            (sex.value, band): data.get(f"c_{sex}_{band}") or 0
            for sex in SEXES
            for band in AgeBand.values
        }

    def groups(self):
        data = self.cleaned_data
        return {v: data.get(f"g_{v}") or 0 for v in PopulationGroup.values}

    @staticmethod
    def initial_for(project):
        initial = {f"c_{c.sex}_{c.age_band}": c.count for c in project.catchment.all()}
        initial.update({f"g_{g.group}": g.count for g in project.catchment_groups.all()})
        return initial


class CompletionForm(CatchmentForm):
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    handover_note = forms.CharField(
        label=_("Hand-over to the municipality"),
        required=False,  # the service says what is missing
        widget=forms.Textarea({"rows": 3}),
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=250)


# --- Shelter --------------------------------------------------------------------------------


class DwellingForm(BootstrapMixin, forms.Form):
    household = forms.CharField(
        label=_("Household reference"),
        max_length=20,
        help_text=_("As registered, e.g. TRH-2026-0001-5."),
    )
    location = forms.ModelChoiceField(label=_("District"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=250)
    tenure = forms.ChoiceField(label=_("Tenure"))

    def __init__(self, *args, mission, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["location"].queryset = _districts(mission, user)
        self.fields["location"].label_from_instance = lambda d: f"{d.parent.name} / {d.name}"
        self.fields["tenure"].choices = services.choices(services.tenures())

    def clean_household(self):
        reference = self.cleaned_data["household"].strip()
        household = Household.objects.filter(mission=self.mission, reference=reference).first()
        if household is None:
            raise forms.ValidationError(_("No household of this mission has this reference."))
        return household


class RepairForm(BootstrapMixin, forms.Form):
    works = forms.MultipleChoiceField(label=_("Works"), widget=forms.CheckboxSelectMultiple)
    contractor = forms.CharField(label=_("Contractor"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["works"].choices = services.choices(services.works())


class BoqForm(BootstrapMixin, forms.Form):
    item = forms.CharField(label=_("Item"), max_length=200)
    unit = forms.ChoiceField(label=_("Unit"))
    quantity = forms.CharField(label=_("Quantity"), max_length=14)
    unit_price = forms.CharField(label=_("Unit price (TRY)"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = services.choices(services.units())


class LineForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class InspectionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Inspection"), choices=Inspection.Kind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    inspector = forms.CharField(label=_("Inspector"), max_length=150)
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea({"rows": 2})
    )
    passed = forms.ChoiceField(
        label=_("Result (after the works)"),
        required=False,
        choices=[("", "—"), ("yes", _("Passed")), ("no", _("Not passed"))],
    )
    defects = forms.CharField(
        label=_("Defects to put right"), required=False, widget=forms.Textarea({"rows": 2})
    )
    photos = MultipleFileField(label=_("Photos (JPEG or PNG)"), required=False)

    def passed_value(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("passed"))


class MovedInForm(BootstrapMixin, forms.Form):
    moved_in_on = forms.DateField(label=_("Living there since"), widget=DATE)


class RepairDoneForm(BootstrapMixin, forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)


class AgreementForm(BootstrapMixin, forms.Form):
    landlord_name = forms.CharField(label=_("Landlord"), max_length=150)
    landlord_phone = forms.CharField(label=_("Landlord's phone"), max_length=32)
    landlord_identity = forms.CharField(
        label=_("Landlord's identity number or document"), max_length=40
    )
    starts_on = forms.DateField(label=_("Term starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Term ends"), widget=DATE)
    monthly_rent = forms.CharField(label=_("Monthly rent (TRY)"), max_length=20)
    deposit = forms.CharField(label=_("Deposit (TRY)"), max_length=20, initial="0")
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class PayForm(BootstrapMixin, forms.Form):
    month = forms.DateField(label=_("Month"), widget=forms.Select)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget.choices = [(m.isoformat(), f"{m:%m.%Y}") for m in months]


class RenewForm(BootstrapMixin, forms.Form):
    ends_on = forms.DateField(label=_("New term ends"), widget=DATE)
    monthly_rent = forms.CharField(label=_("Monthly rent (TRY)"), max_length=20)
    deposit = forms.CharField(label=_("Deposit (TRY)"), max_length=20, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class EndForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=250)
