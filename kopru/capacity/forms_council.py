"""Forms of the coordination council pages; the rules are in council.py."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin
from kopru.core.models import Location, Project

from .forms_trainings import DATE
from .models import ActionItem, Agency, Member


class CouncilForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    location = forms.ModelChoiceField(label=_("Place"), queryset=None)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = (
            Location.objects.filter(mission=mission)
            .exclude(level=Location.Level.COUNTRY)
            .order_by("path")
        )
        self.fields["project"].queryset = Project.objects.filter(mission=mission, active=True)


class MemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None, required=False)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the agency's name."),
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Member.Role.choices)
    from_date = forms.DateField(label=_("From"), widget=DATE)
    to_date = forms.DateField(label=_("To"), widget=DATE, required=False)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(mission=mission, active=True)


class MeetingForm(BootstrapMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    venue = forms.CharField(label=_("Venue"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea({"rows": 4}))
    present = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea({"rows": 4}), required=False
    )
    minutes_file = forms.FileField(label=_("Minutes (PDF)"), required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = council.members.all()
        self.fields["present"].label_from_instance = lambda m: (
            f"{m.name} · {m.organisation} ({m.get_role_display()})"
        )


class MinutesForm(BootstrapMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea({"rows": 6}), required=False
    )
    minutes_file = forms.FileField(label=_("Minutes (PDF)"), required=False)


class DecisionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea({"rows": 2}))


class ActionItemForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Action"), widget=forms.Textarea({"rows": 2}))
    owner_member = forms.ModelChoiceField(
        label=_("Owner (council member)"), queryset=None, required=False
    )
    owner_user = forms.ModelChoiceField(
        label=_("Owner (Kopru user)"), queryset=None, required=False
    )
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    decision = forms.ModelChoiceField(label=_("Following decision"), queryset=None, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        council = meeting.council
        self.fields["owner_member"].queryset = council.members.all()
        self.fields["owner_user"].queryset = (
            get_user_model()
            .objects.filter(missions=council.mission, is_active=True)
            .order_by("last_name")
        )
        self.fields["owner_user"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["decision"].queryset = meeting.decisions.all()
        self.fields["decision"].label_from_instance = lambda d: f"{d.number}. {d.text[:80]}"


class ItemStatusForm(BootstrapMixin, forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
