"""Forms of the education pages: they read and shape input; the rules are in the service
modules (transport, courses, special), whose errors the views put on these fields.

People are named by their registry reference number, as on their papers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin, DateInput
from kopru.core.models import Location, Project
from kopru.registry.models import Person

from . import courses
from .models import FollowUp, Period, Route

DATE = DateInput()
TIME = forms.TimeInput(attrs={"type": "time", "dir": "ltr"})


class EmptyForm(forms.Form):
    """For buttons whose only input is the row they name."""


class PersonField(forms.CharField):
    """A registry reference number, read into the Person of the form's mission."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("The reference number in the registry."))
        super().__init__(**kwargs)
        self.mission = None

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        person = (
            Person.objects.filter(mission=self.mission, reference__iexact=value.strip())
            .select_related("merged_into")
            .first()
        )
        if person is None:
            raise forms.ValidationError(_("No person with this reference in this mission."))
        return person


class MissionForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        for field in self.fields.values():
            if isinstance(field, PersonField):
                field.mission = mission


def _projects(mission):
    return Project.objects.filter(mission=mission, active=True).select_related("donor")


class PeriodForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Period
        fields = ["name", "kind", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class RouteForm(MissionForm):
    code = forms.CharField(label=_("Code"), max_length=30)
    province = forms.ModelChoiceField(label=_("Province"), queryset=None)
    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False)
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools served"), queryset=None, widget=forms.SelectMultiple({"size": 5})
    )
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=20)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=99)
    capacity = forms.IntegerField(label=_("Capacity (pupils)"), min_value=1, max_value=99)
    driver = forms.CharField(label=_("Driver"), max_length=100, required=False)
    contractor = forms.CharField(label=_("Contractor"), max_length=150, required=False)
    monthly_cost = forms.CharField(label=_("Monthly cost of the contract (TRY)"), max_length=20)
    project = forms.ModelChoiceField(label=_("Project and donor"), queryset=None)
    mode = forms.ChoiceField(label=_("Attendance"), choices=Route.Mode.choices)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, mission=mission, **kwargs)
        places = Location.objects.filter(mission=mission)
        self.fields["province"].queryset = places.filter(level=Location.Level.PROVINCE)
        self.fields["district"].queryset = places.filter(level=Location.Level.DISTRICT)
        self.fields["schools"].queryset = places.filter(site_type=Location.SiteType.SCHOOL)
        self.fields["project"].queryset = _projects(mission)
        self.fields["project"].label_from_instance = lambda p: f"{p.code} · {p.donor}"

    @staticmethod
    def initial_for(route):
        return {
            **{
                f: getattr(route, f)
                for f in (
                    "code",
                    "province",
                    "district",
                    "vehicle_plate",
                    "seats",
                    "capacity",
                    "driver",
                    "contractor",
                    "project",
                    "mode",
                )
            },
            "monthly_cost": route.monthly_cost,
            "schools": list(route.schools.all()),
        }


class StopForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Stop"), max_length=150)
    pickup = forms.TimeField(label=_("Pick-up time"), widget=TIME)


class EnrolForm(MissionForm):
    period = forms.ModelChoiceField(label=_("Period"), queryset=None)
    pupil = PersonField(label=_("Pupil"))
    guardian = PersonField(label=_("Guardian"))
    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    stop = forms.ModelChoiceField(label=_("Stop"), queryset=None, required=False)
    on = forms.DateField(
        label=_("Rides from"),
        widget=DATE,
        required=False,
        help_text=_("Empty: from the start of the period."),
    )

    def __init__(self, *args, mission, route, **kwargs):
        super().__init__(*args, mission=mission, **kwargs)
        self.fields["period"].queryset = Period.objects.filter(mission=mission)
        self.fields["school"].queryset = route.schools.all()
        self.fields["stop"].queryset = route.stops.all()


class WithdrawForm(BootstrapMixin, forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Withdrawn on"), widget=DATE)
    reason = forms.CharField(label=_("Why"), max_length=200)


class SheetForm(forms.Form):
    """The attendance sheet: the day, and one input per pupil (named ride_<enrolment id>)
    that the view reads from the POST."""

    day = forms.DateField(label=_("Day"), widget=DATE)


class CostFilterForm(BootstrapMixin, forms.Form):
    since = forms.DateField(label=_("From"), widget=DATE, required=False)
    until = forms.DateField(label=_("Until"), widget=DATE, required=False)


class CourseForm(MissionForm):
    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=None)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    schedule = forms.CharField(label=_("Schedule"), max_length=150, required=False)
    trainer = forms.CharField(label=_("Trainer"), max_length=100)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500)
    language = forms.ChoiceField(label=_("Language of instruction"))
    hours = forms.IntegerField(
        label=_("Hours"),
        min_value=1,
        max_value=2000,
        required=False,
        help_text=_("Empty: the kind's usual hours."),
    )
    threshold = forms.IntegerField(
        label=_("Attendance needed to complete (%)"), min_value=1, max_value=100, required=False
    )
    project = forms.ModelChoiceField(label=_("Project and donor"), queryset=None)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, mission=mission, **kwargs)
        self.fields["kind"].choices = [(c, courses.kind_label(c)) for c in courses.kinds()]
        self.fields["language"].choices = [
            ("tr", _("Turkish")),
            ("ar", _("Arabic")),
            ("fa", _("Farsi")),
            ("ku", _("Kurdish")),
            ("en", _("English")),
            ("ru", _("Russian")),
        ]
        self.fields["centre"].queryset = Location.objects.filter(
            mission=mission, level=Location.Level.SITE, site_type__in=courses.CENTRES
        )
        self.fields["project"].queryset = _projects(mission)
        self.fields["project"].label_from_instance = lambda p: f"{p.code} · {p.donor}"
        self.fields["threshold"].initial = courses.default_threshold()


class LearnerForm(MissionForm):
    person = PersonField(label=_("Learner"))


class SessionForm(forms.Form):
    """A session held; the learners present come as present_<learner id> checkboxes."""

    day = forms.DateField(label=_("Day"), widget=DATE)
    start = forms.TimeField(label=_("Start"), widget=TIME)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=480)
    topic = forms.CharField(label=_("Topic"), max_length=150, required=False)


class CertificateForm(forms.Form):
    learner = forms.IntegerField(widget=forms.HiddenInput)


class ReferForm(MissionForm):
    child = PersonField(label=_("Child"))
    centre = forms.ModelChoiceField(label=_("Special-education centre"), queryset=None)
    school = forms.ModelChoiceField(label=_("School"), queryset=None, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[("routine", _("Routine")), ("urgent", _("Urgent"))],
    )
    needs = forms.CharField(label=_("Needs"), widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, mission, **kwargs):
        from . import special

        super().__init__(*args, mission=mission, **kwargs)
        self.fields["centre"].queryset = special.centres(mission)
        self.fields["school"].queryset = Location.objects.filter(
            mission=mission, site_type=Location.SiteType.SCHOOL
        )


class AnswerForm(BootstrapMixin, forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("The centre's answer"),
        choices=[("1", _("Accepted")), ("0", _("Declined"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason (when declined)"), max_length=300, required=False)


class FollowUpForm(BootstrapMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    attendance = forms.ChoiceField(label=_("Attendance"), choices=FollowUp.Attendance.choices)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea({"rows": 2}))
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)


class CloseCaseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why the follow-up ends"), max_length=300)
