"""Forms of the psychosocial pages; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin, DateInput, LocalDateTimeInput
from kopru.services.forms import language_choices, places
from kopru.services.models import Modality

from . import catalogue, measures, selectors
from .models import MeasureRecord, SafetyAlert

DATE = DateInput()


def _blank(choices):
    return [("", "---------"), *choices]


class TeamPlaceMixin:
    def _team_and_place(self, user, mission):
        self.fields["team"].queryset = selectors.my_teams(user, mission)
        self.fields["location"].queryset = places(user, mission)


class ActivityForm(TeamPlaceMixin, BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Activity"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    location = forms.ModelChoiceField(label=_("Place"), queryset=None)
    layer = forms.TypedChoiceField(label=_("IASC layer"), coerce=int, required=False)
    topic = forms.ChoiceField(label=_("Awareness topic"), required=False)
    activity = forms.ChoiceField(label=_("Sociocultural activity"), required=False)
    occasion = forms.ChoiceField(label=_("Occasion"), required=False)
    findings = forms.CharField(
        label=_("Focus group: notes and findings"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    modality = forms.ChoiceField(label=_("How"), choices=Modality.choices, initial=Modality.MOBILE)
    language = forms.ChoiceField(label=_("Language used"), required=False)
    interpreter = forms.CharField(label=_("Interpreter"), required=False, max_length=150)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, user, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self._team_and_place(user, mission)
        self.fields["kind"].choices = catalogue.choices("kinds")
        self.fields["layer"].choices = _blank(
            [(code, f"{code} · {catalogue.named(e)}") for code, e in catalogue.layers().items()]
        )
        self.fields["layer"].help_text = _("Left empty: the usual layer of the activity.")
        self.fields["topic"].choices = _blank(catalogue.choices("topics"))
        self.fields["activity"].choices = _blank(catalogue.choices("activities"))
        self.fields["occasion"].choices = _blank(catalogue.choices("occasions"))
        self.fields["language"].choices = language_choices()


class PlanForm(TeamPlaceMixin, BootstrapMixin, forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    day = forms.DateField(label=_("Day"), widget=DATE)
    location = forms.ModelChoiceField(label=_("Place"), queryset=None)
    kind = forms.ChoiceField(label=_("Activity"))
    topic = forms.ChoiceField(label=_("Awareness topic"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=250)

    def __init__(self, *args, user, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self._team_and_place(user, mission)
        self.fields["kind"].choices = catalogue.choices("kinds")
        self.fields["topic"].choices = _blank(catalogue.choices("topics"))


class ProgrammeForm(TeamPlaceMixin, BootstrapMixin, forms.Form):
    curriculum = forms.ChoiceField(label=_("Curriculum"), required=False)
    name = forms.CharField(label=_("Name"), required=False, max_length=150)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    location = forms.ModelChoiceField(label=_("Place"), queryset=None)
    starts_on = forms.DateField(label=_("First session"), widget=DATE)
    sessions = forms.IntegerField(label=_("Number of sessions"), required=False, min_value=1)
    threshold = forms.IntegerField(
        label=_("Attendance needed to complete (%)"), required=False, min_value=1, max_value=100
    )

    def __init__(self, *args, user, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self._team_and_place(user, mission)
        self.fields["curriculum"].choices = _blank(catalogue.choices("curricula"))
        self.fields["threshold"].help_text = _("Left empty: %(n)s%%, the mission's rule.") % {
            "n": catalogue.completion_threshold()
        }
        self.fields["sessions"].help_text = _("Left empty: the curriculum's number.")


class SessionForm(BootstrapMixin, forms.Form):
    number = forms.TypedChoiceField(label=_("Session"), coerce=int)
    at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        done = set(programme.runs.values_list("number", flat=True))
        self.fields["number"].choices = [
            (n, n) for n in range(1, programme.sessions + 1) if n not in done
        ]


class MeasureForm(BootstrapMixin, forms.Form):
    """The items of one instrument in the language the person was asked in."""

    phase = forms.ChoiceField(label=_("When"), choices=MeasureRecord.Phase.choices)
    at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    location = forms.ModelChoiceField(label=_("Place"), queryset=None)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False)

    def __init__(self, *args, instrument, language, user, mission, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = places(user, mission)
        self.fields["programme"].queryset = programmes
        spec = measures.instrument(instrument)
        options = [
            (o["value"], measures.in_language(o["labels"], language)) for o in spec["options"]
        ]
        self.items = []
        for item in spec["items"]:
            name = f"item_{item['n']}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{item['n']}. {measures.in_language(item['texts'], language)}",
                choices=options,
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
            )
            self.items.append(self[name])
        self.stem = measures.in_language(spec.get("stem", {}), language) if spec.get("stem") else ""

    def answers(self):
        return {
            int(name[5:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_") and value not in (None, "")
        }


class AlertActionForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(label=_("What was done"), choices=_blank(SafetyAlert.Action.choices))
    notes = forms.CharField(label=_("Details and what follows"), widget=forms.Textarea({"rows": 3}))


class ReviewForm(BootstrapMixin, forms.Form):
    notes = forms.CharField(
        label=_("Supervisor's notes"), required=False, widget=forms.Textarea({"rows": 2})
    )


RATING = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class FeedbackForm(BootstrapMixin, forms.Form):
    satisfied = forms.ChoiceField(choices=RATING, required=False)
    useful = forms.ChoiceField(choices=RATING, required=False)
    safe = forms.ChoiceField(choices=YES_NO, required=False)
    recommend = forms.ChoiceField(choices=YES_NO, required=False)
    comment = forms.CharField(
        label=_("Comment or idea"), required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions = catalogue.feedback()
        for entry in questions["ratings"] + questions["yes_no"]:
            self.fields[entry["code"]].label = catalogue.named(entry)
        self.fields["satisfied"].help_text = " · ".join(
            f"{s['value']} = {catalogue.named(s)}" for s in questions["scale"]
        )

    def data_for_service(self):
        d = self.cleaned_data
        yes_no = {"yes": True, "no": False}
        return {
            "satisfied": d["satisfied"] or None,
            "useful": d["useful"] or None,
            "safe": yes_no.get(d["safe"]),
            "recommend": yes_no.get(d["recommend"]),
            "comment": d["comment"],
        }
