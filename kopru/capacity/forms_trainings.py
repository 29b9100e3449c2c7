"""Forms of the training pages: they read and shape input; the rules are in trainings.py,
whose errors the views put on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin, DateInput
from kopru.core.models import Location, Project

from . import governance as rules
from .models import Agency, Participant
from .models.trainings import AdultBand, Sex

DATE = DateInput()


class TrainingForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ChoiceField(label=_("Topic"))
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    location = forms.ModelChoiceField(label=_("Place"), queryset=None)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    trainers = forms.CharField(label=_("Trainers"), max_length=300, required=False)
    max_score = forms.IntegerField(label=_("Test's maximum score"), min_value=1, max_value=1000)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = rules.choices("training_topics", "topics")
        self.fields["location"].queryset = Location.objects.filter(
            mission=mission, level__in=(Location.Level.SITE, Location.Level.DISTRICT)
        ).order_by("path")
        self.fields["project"].queryset = Project.objects.filter(mission=mission, active=True)

    @staticmethod
    def initial_for(training):
        return {
            name: getattr(training, name)
            for name in ("title", "topic", "starts_on", "ends_on", "venue", "trainers", "max_score")
        } | {"location": training.location_id, "project": training.project_id}

    def apply(self, training):
        for name, value in self.cleaned_data.items():
            setattr(training, name, value)
        return training


class ParticipantForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    age_band = forms.ChoiceField(label=_("Age"), choices=AdultBand.choices)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput({"dir": "ltr"})
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(mission=mission, active=True)

    @staticmethod
    def initial_for(p):
        return {
            "name": p.name,
            "agency": p.agency_id,
            "position": p.position,
            "sex": p.sex,
            "age_band": p.age_band,
            "email": p.email,
            "phone": p.phone,
        }

    def apply(self, participant):
        for name, value in self.cleaned_data.items():
            setattr(participant, name, value)
        return participant


class EnrolForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = choices
        self.fields["participants"].label_from_instance = lambda p: f"{p.name} · {p.agency}"


class DayForm(BootstrapMixin, forms.Form):
    day = forms.DateField(label=_("Day held"), widget=DATE)
    present = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = Participant.objects.filter(
            enrolments__training=training
        ).order_by("name")


class ScoresForm(forms.Form):
    """A pre- and a post-test field for each participant on the training."""

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for e in enrolments:
            for kind, value in (("pre", e.pre_score), ("post", e.post_score)):
                self.fields[f"{kind}_{e.participant_id}"] = forms.CharField(
                    required=False,
                    max_length=8,
                    initial="" if value is None else f"{value.normalize():f}",
                    widget=forms.TextInput(
                        {"class": "form-control form-control-sm", "dir": "ltr", "size": 5}
                    ),
                )
            self.rows.append((e, self[f"pre_{e.participant_id}"], self[f"post_{e.participant_id}"]))

    def scores(self):
        data = self.cleaned_data
        return {
            e.participant_id: (data[f"pre_{e.participant_id}"], data[f"post_{e.participant_id}"])
            for e, _pre, _post in self.rows
        }


class AgencyForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Short code"), max_length=40)
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=200, required=False)
    parent = forms.ModelChoiceField(label=_("Part of"), queryset=None, required=False)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Agency.objects.filter(mission=mission, active=True)
