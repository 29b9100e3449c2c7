"""Forms of the legislation review pages; the rules are in legislation.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin

from . import governance as rules
from .forms_trainings import DATE
from .models import Agency, Instrument, Recommendation


class InstrumentForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"))
    jurisdiction = forms.ChoiceField(
        label=_("Jurisdiction"), choices=Instrument.Jurisdiction.choices
    )
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    adopted_on = forms.DateField(label=_("Date"), widget=DATE, required=False)
    link = forms.CharField(
        label=_("Link"), max_length=200, required=False, widget=forms.TextInput({"dir": "ltr"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = rules.choices("legislation_kinds", "kinds")

    @staticmethod
    def initial_for(i):
        return {
            f: getattr(i, f)
            for f in ("title", "kind", "jurisdiction", "number", "adopted_on", "link")
        }

    def apply(self, instrument):
        for name, value in self.cleaned_data.items():
            setattr(instrument, name, value)
        return instrument


class FindingForm(BootstrapMixin, forms.Form):
    topic = forms.ChoiceField(label=_("Topic"))
    text = forms.CharField(label=_("Barrier or gap found"), widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = rules.choices("legislation_topics", "topics")


class RecommendationForm(BootstrapMixin, forms.Form):
    finding = forms.ModelChoiceField(label=_("Finding"), queryset=None)
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea({"rows": 3}))
    addressed_to = forms.ModelChoiceField(label=_("Addressed to"), queryset=None)
    priority = forms.ChoiceField(label=_("Priority"), choices=Recommendation.Priority.choices)

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = instrument.findings.all()
        self.fields["finding"].label_from_instance = lambda f: f.text[:90]
        self.fields["addressed_to"].queryset = Agency.objects.filter(
            mission=instrument.mission, active=True
        )


class MoveForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Recommendation.Status.choices)
    on = forms.DateField(label=_("On"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
