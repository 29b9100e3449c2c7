"""Forms of the case pages: they read and shape input; the rules are in services.py, whose
errors the views put on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin, DateInput, LocalDateTimeInput
from kopru.core.models import Project, Team
from kopru.registry.models import Household
from kopru.services.forms import places

from . import rules
from .models import Approval, Document

DATE = DateInput()
CONTACT_CHOICES = [
    ("visit", _("Home visit")),
    ("office", _("At the office")),
    ("phone", _("By phone")),
    ("outreach", _("During outreach")),
]


class EmptyForm(forms.Form):
    """For buttons whose only input is the row they name."""


class OpenCaseForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Case type"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    location = forms.ModelChoiceField(label=_("Place"), queryset=None)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)
    household = forms.ModelChoiceField(
        label=_("Household"),
        queryset=None,
        required=False,
        help_text=_("When the case is the household's, not only this person's."),
    )
    presenting_needs = forms.CharField(
        label=_("Presenting needs"), widget=forms.Textarea({"rows": 3})
    )
    circumstances = forms.CharField(
        label=_("Circumstances"), required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, user, mission, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(
            memberships__person=person, memberships__end_date__isnull=True
        )
        self.fields["kind"].choices = rules.choices(rules.case_types())
        self.fields["team"].queryset = Team.objects.filter(
            mission=mission, active=True, members=user
        )
        self.fields["location"].queryset = places(user, mission)
        self.fields["project"].queryset = Project.objects.filter(mission=mission, active=True)


class IntakeForm(BootstrapMixin, forms.Form):
    presenting_needs = forms.CharField(
        label=_("Presenting needs"), widget=forms.Textarea({"rows": 3})
    )
    circumstances = forms.CharField(
        label=_("Circumstances"), required=False, widget=forms.Textarea({"rows": 3})
    )


class AssessmentForm(BootstrapMixin, forms.Form):
    criteria = forms.MultipleChoiceField(
        label=_("Criteria met"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [
            (code, f"{rules.named(entry)} (+{entry['weight']})")
            for code, entry in rules.criteria().items()
        ]


class GoalForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Goal"), max_length=300)


class ActionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Action"), max_length=300)
    responsible = forms.CharField(label=_("Who"), max_length=100, required=False)
    due = forms.DateField(label=_("Due"), required=False, widget=DATE)


class FollowUpForm(BootstrapMixin, forms.Form):
    at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    contact = forms.ChoiceField(label=_("How"), choices=CONTACT_CHOICES)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea({"rows": 3}))
    next_on = forms.DateField(label=_("Next follow-up"), required=False, widget=DATE)


class TransferForm(BootstrapMixin, forms.Form):
    caseworker = forms.ChoiceField(label=_("To case worker"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, workers, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.workers = {str(u.pk): u for u in workers}
        self.fields["caseworker"].choices = [("", "---------")] + [
            (str(u.pk), str(u)) for u in workers
        ]
        self.fields["team"].queryset = Team.objects.filter(mission=mission, active=True)


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = rules.choices(rules.closure_reasons())


class ReopenForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why reopen"), widget=forms.Textarea({"rows": 2}))


class NeedForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=_("What for"))
    description = forms.CharField(label=_("Description"), max_length=300)
    amount = forms.CharField(
        label=_("Amount (TRY)"), widget=forms.TextInput({"inputmode": "decimal", "dir": "ltr"})
    )
    supplier = forms.CharField(label=_("Supplier"), max_length=150)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    quote = forms.FileField(
        label=_("Quote (PDF, JPEG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput({"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = rules.choices(rules.need_categories())
        self.fields["project"].queryset = Project.objects.filter(
            mission=mission, active=True, ecm_budget__isnull=False
        )


class DocumentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=Document.Kind.choices)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput({"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class DecideForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note (required to reject)"), required=False)


class PaidForm(BootstrapMixin, forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=60)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=250)


class BudgetForm(BootstrapMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    amount = forms.CharField(
        label=_("Budget (TRY)"), widget=forms.TextInput({"inputmode": "decimal", "dir": "ltr"})
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(mission=mission, active=True)


APPROVAL_KINDS = dict(Approval.Kind.choices)
