from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .access import CAPABILITIES
from .models import Location, Mission, Project, ProjectTarget, Role, Sensitivity, Team, User


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes ISO dates whatever the language (and
    shows them in the reader's own format), so a date given as the initial value is written
    ISO too: in Turkish or Arabic Django's default 27.07.2026 left the picker empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"dir": "ltr", **(attrs or {})}, format="%Y-%m-%d")


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker, ISO for the same reason."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"dir": "ltr", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields in a loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class LoginForm(BootstrapMixin, AuthenticationForm):
    pass


class TokenForm(BootstrapMixin, forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ProfileForm(BootstrapMixin, forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "language"]


class MissionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Mission
        fields = ["code", "name", "country", "timezone", "default_language", "active"]
        widgets = {"default_language": forms.Select(choices=settings.LANGUAGES)}


class LocationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "site_type", "active"]


class UserForm(BootstrapMixin, forms.ModelForm):
    password = forms.CharField(
        label=_("New password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )
    missions = forms.ModelMultipleChoiceField(
        label=_("Missions"), queryset=Mission.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "language",
            "is_active",
        ]

    def __init__(self, *args, missions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missions"].queryset = missions
        if self.instance.pk:
            self.initial["missions"] = list(self.instance.missions.filter(pk__in=missions))
        self.fields["role"].required = True


class TeamForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "base", "locations", "members", "supervisor", "active"]
        widgets = {"locations": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, mission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = Location.objects.filter(
            mission=mission, level=Location.Level.SITE
        )
        self.fields["locations"].queryset = Location.objects.filter(mission=mission).exclude(
            level=Location.Level.COUNTRY
        )
        self.fields["members"].queryset = User.objects.filter(missions=mission, is_active=True)
        self.fields["members"].widget.attrs["size"] = 8
        self.fields["supervisor"].queryset = self.fields["members"].queryset


class RoleForm(BootstrapMixin, forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Sensitivity categories"),
        choices=Sensitivity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"),
        choices=[(c, c) for c in sorted(CAPABILITIES)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Role
        fields = ["require_otp", "mission_wide", "categories", "capabilities"]


class ProjectForm(BootstrapMixin, forms.ModelForm):
    donor_name = forms.CharField(
        label=_("Donor"),
        max_length=150,
        widget=forms.TextInput(attrs={"list": "donor-list", "autocomplete": "off"}),
        help_text=_("Pick a known donor or type a new one."),
    )
    field_order = ["code", "name", "donor_name"]

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "grant_code",
            "start_date",
            "end_date",
            "provinces",
            "active",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "provinces": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, mission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provinces"].queryset = Location.objects.filter(
            mission=mission, level=Location.Level.PROVINCE
        ).order_by("name_folded")
        if self.instance.donor_id:
            self.initial["donor_name"] = self.instance.donor.name


class TargetForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProjectTarget
        fields = ["indicator", "target", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No initial unit, so an untouched extra row counts as empty and is skipped.
        unit = self.fields["unit"]
        unit.required, unit.initial = False, ""
        unit.widget.attrs["placeholder"] = _("people")
        self.fields["indicator"].widget.attrs["placeholder"] = _("Indicator")

    def clean_unit(self):
        return self.cleaned_data.get("unit") or "people"


TargetFormSet = forms.inlineformset_factory(
    Project, ProjectTarget, form=TargetForm, extra=2, can_delete=True
)


class AuditFilterForm(BootstrapMixin, forms.Form):
    actor = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.CharField(label=_("Record type"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        from .models import AuditEvent

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any"))] + list(AuditEvent.Action.choices)
