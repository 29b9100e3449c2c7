"""Forms of the services pages. They only read and shape input; the rules are in
services.py, referrals.py and appointments.py, whose errors the views put on these fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopru.core import access
from kopru.core.forms import BootstrapMixin, LocalDateTimeInput
from kopru.core.models import Location, Project, Team
from kopru.registry import choices

from .models import Modality, Provider, Referral, ServiceType

PROJECT_ROWS = 3


def service_choices(user, mission, subject=None):
    """The catalogue grouped by sector, as <optgroup>s: only services that can be given to
    `subject` and whose sensitivity the user's role may record."""
    seen = access.categories(user)
    groups = {}
    types = ServiceType.objects.filter(mission=mission, active=True).select_related(
        "sub_sector__sector"
    )
    for st in types.order_by("sub_sector__sector__order", "sub_sector__order", "order"):
        if st.category not in seen or (subject and subject not in st.subjects):
            continue
        groups.setdefault(st.sub_sector.sector.name, []).append((st.code, st.name))
    return [("", "—"), *groups.items()]


def places(user, mission):
    """Sites and districts the user works in, sites first."""
    found = Location.objects.filter(
        mission=mission, level__in=[Location.Level.SITE, Location.Level.DISTRICT]
    )
    return access.in_places(user, found, mission, "path").order_by("-level", "name")


def language_choices():
    return [("", "—"), *choices.languages()]


class EventForm(BootstrapMixin, forms.Form):
    """A service to a person or a household (group sessions: the day sheet)."""

    service_type = forms.ChoiceField(label=_("Service"))
    at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    location = forms.ModelChoiceField(queryset=Location.objects.none(), label=_("Site or place"))
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), required=False)
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    language = forms.ChoiceField(label=_("Language used"), required=False)
    interpreter = forms.CharField(label=_("Interpreter"), required=False, max_length=150)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, mission, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["service_type"].choices = service_choices(user, mission, subject)
        self.fields["location"].queryset = places(user, mission)
        self.fields["team"].queryset = user.teams.filter(mission=mission, active=True)
        self.fields["language"].choices = language_choices()
        projects = Project.objects.filter(mission=mission, active=True).order_by("code")
        for n in range(PROJECT_ROWS):
            self.fields[f"project_{n}"] = forms.ModelChoiceField(
                queryset=projects, required=False, label=_("Project")
            )
            self.fields[f"share_{n}"] = forms.IntegerField(
                required=False, min_value=1, max_value=100, label=_("Share (%)")
            )
        self._apply_bootstrap()
        team = self.fields["team"].queryset.first()
        self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))
        if team is not None:
            self.initial.setdefault("team", team)
            self.initial.setdefault("location", team.base)
        self.initial.setdefault("modality", Modality.CENTRE)
        self.initial.setdefault("share_0", 100)

    def _apply_bootstrap(self):
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    @property
    def project_rows(self):
        return [(self[f"project_{n}"], self[f"share_{n}"]) for n in range(PROJECT_ROWS)]

    @property
    def main_fields(self):
        return [self[f] for f in ("service_type", "at", "location", "team", "modality")]

    @property
    def detail_fields(self):
        return [self[f] for f in ("language", "interpreter", "notes")]

    def event_data(self):
        """What the form says, as record_service and update_service take it."""
        data = self.cleaned_data
        return {
            "service_type": ServiceType.objects.filter(
                mission=self.mission, code=data["service_type"]
            ).first(),
            "at": data["at"],
            "location": data["location"],
            "team": data["team"],
            "modality": data["modality"],
            "language": data["language"],
            "interpreter": data["interpreter"],
            "notes": data["notes"],
            "projects": self.project_shares(),
        }

    def project_shares(self):
        return [
            (self.cleaned_data[f"project_{n}"], self.cleaned_data[f"share_{n}"] or 100)
            for n in range(PROJECT_ROWS)
            if self.cleaned_data.get(f"project_{n}")
        ]


class ReferralForm(BootstrapMixin, forms.Form):
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), label=_("Refer to"))
    service_type = forms.ChoiceField(label=_("Service requested"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Referral.Urgency.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(
            mission=mission, active=True
        ).order_by("kind", "name")
        self.fields["service_type"].choices = service_choices(user, mission, "person")


class MoveForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    feedback = forms.CharField(
        label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, allowed, with_name=False, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Referral.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in allowed]
        if with_name:
            self.fields["by_name"] = forms.CharField(label=_("Your name"), max_length=150)
            self.fields["by_name"].widget.attrs["class"] = "form-control"


class ProviderForm(BootstrapMixin, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "kind",
            "team",
            "location",
            "address",
            "phone",
            "email",
            "hours",
            "languages",
            "offers",
            "description",
            "eligibility",
            "active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "offers": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = choices.languages()
        self.fields["team"].queryset = Team.objects.filter(mission=mission, active=True)
        self.fields["location"].queryset = Location.objects.filter(
            mission=mission, level__in=[Location.Level.DISTRICT, Location.Level.SITE]
        ).order_by("name")
        self.fields["offers"].queryset = ServiceType.objects.filter(mission=mission, active=True)


class AppointmentForm(BootstrapMixin, forms.Form):
    service_type = forms.ChoiceField(label=_("Service"))
    site = forms.ModelChoiceField(queryset=Location.objects.none(), label=_("Site"))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=480, initial=30)
    room = forms.ModelChoiceField(queryset=None, label=_("Room"), required=False)
    staff = forms.ModelChoiceField(queryset=None, label=_("With"), required=False)
    language = forms.ChoiceField(label=_("Interpreting language"), required=False)
    interpreter = forms.ModelChoiceField(queryset=None, label=_("Interpreter"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, mission, **kwargs):
        from .models import Interpreter, InterpretingLanguage, Room

        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = service_choices(user, mission, "person")
        sites = places(user, mission).filter(level=Location.Level.SITE)
        self.fields["site"].queryset = sites
        self.fields["room"].queryset = Room.objects.filter(site__in=sites, active=True)
        self.fields["room"].label_from_instance = lambda r: f"{r.site.name}: {r.name}"
        self.fields["interpreter"].queryset = Interpreter.objects.filter(
            mission=mission, active=True
        )
        from kopru.core.models import User

        givers = [
            u.pk
            for u in User.objects.filter(missions=mission, is_active=True).select_related("role")
            if access.has(u, "services.record")
        ]
        self.fields["staff"].queryset = User.objects.filter(pk__in=givers).order_by("first_name")
        self.fields["staff"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["interpreter"].label_from_instance = lambda i: (
            f"{i.name} ({', '.join(choices.language_name(c) for c in i.languages)})"
        )
        codes = InterpretingLanguage.objects.filter(mission=mission).values_list("code", flat=True)
        self.fields["language"].choices = [
            ("", "—"),
            *sorted(((c, choices.language_name(c)) for c in codes), key=lambda p: p[1]),
        ]
