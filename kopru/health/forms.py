"""Forms of the health pages: they read and shape input; the rules are in services.py and
assessments.py, whose errors the views put on these fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin, DateInput, LocalDateTimeInput
from kopru.services.forms import places
from kopru.services.models import Provider

from . import immunization, protocols
from .models import AssessmentCase, Diagnosis, Immunization, Investigation, TbClass

DATE = DateInput()
DX_ROWS = 3
RX_ROWS = 3


def _named_choices(entries):
    return [(code, protocols.named(entry)) for code, entry in entries.items()]


class ConsultationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Consultation type"))
    at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    location = forms.ModelChoiceField(label=_("Place"), queryset=None)
    reason = forms.CharField(label=_("Reason for the visit"), widget=forms.Textarea({"rows": 2}))
    history = forms.CharField(
        label=_("Medical history"), required=False, widget=forms.Textarea({"rows": 2})
    )
    temperature_c = forms.CharField(label=_("Temperature (°C)"), required=False)
    pulse = forms.CharField(label=_("Pulse (/min)"), required=False)
    respiratory_rate = forms.CharField(label=_("Respiratory rate (/min)"), required=False)
    systolic = forms.CharField(label=_("Systolic (mmHg)"), required=False)
    diastolic = forms.CharField(label=_("Diastolic (mmHg)"), required=False)
    spo2 = forms.CharField(label=_("SpO₂ (%)"), required=False)
    weight_kg = forms.CharField(label=_("Weight (kg)"), required=False)
    height_cm = forms.CharField(label=_("Height or length (cm)"), required=False)
    lying = forms.BooleanField(label=_("Length measured lying"), required=False)
    muac_mm = forms.CharField(label=_("MUAC (mm)"), required=False)
    oedema = forms.BooleanField(label=_("Bilateral pitting oedema"), required=False)
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    unusual_reason = forms.CharField(
        label=_("Unusual values confirmed because"),
        required=False,
        help_text=_("Only when a value is flagged as unusual and it is right."),
    )
    examination = forms.CharField(
        label=_("Examination"), required=False, widget=forms.Textarea({"rows": 2})
    )
    assessment = forms.CharField(
        label=_("Assessment"), required=False, widget=forms.Textarea({"rows": 2})
    )
    plan = forms.CharField(label=_("Plan"), required=False, widget=forms.Textarea({"rows": 2}))
    follow_up_on = forms.DateField(label=_("Follow-up date"), required=False, widget=DATE)

    VITALS = (
        "temperature_c",
        "pulse",
        "respiratory_rate",
        "systolic",
        "diastolic",
        "spo2",
        "weight_kg",
        "height_cm",
        "muac_mm",
    )

    def __init__(self, *args, user, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (code, protocols.named(t))
            for code, t in protocols.consultation_types().items()
            if code != "assessment_exam"
        ]
        self.fields["location"].queryset = places(user, mission)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        for n in range(DX_ROWS):
            self.fields[f"dx_{n}"] = forms.CharField(
                label=_("Diagnosis (ICD-10)"),
                required=False,
                widget=forms.TextInput({"list": "icd10-options", "dir": "ltr"}),
            )
            self.fields[f"dx_certainty_{n}"] = forms.ChoiceField(
                label=_("Certainty"), choices=Diagnosis.Certainty.choices, required=False
            )
        for n in range(RX_ROWS):
            self.fields[f"rx_medicine_{n}"] = forms.CharField(label=_("Medicine"), required=False)
            self.fields[f"rx_dose_{n}"] = forms.CharField(label=_("Dose"), required=False)
            self.fields[f"rx_frequency_{n}"] = forms.CharField(label=_("How often"), required=False)
            self.fields[f"rx_days_{n}"] = forms.CharField(label=_("Days"), required=False)
            self.fields[f"rx_dispensed_{n}"] = forms.BooleanField(
                label=_("Dispensed here"), required=False
            )
        for name, field in self.fields.items():
            if name.startswith(("dx_", "rx_")):
                css = (
                    "form-check-input"
                    if isinstance(field, forms.BooleanField)
                    else ("form-select" if isinstance(field, forms.ChoiceField) else "form-control")
                )
                field.widget.attrs.setdefault("class", css)

    def data_for_service(self):
        d = self.cleaned_data
        reason = d.get("unusual_reason", "")
        return {
            "kind": d["kind"],
            "at": d["at"],
            "location": d["location"],
            "reason": d["reason"],
            "history": d["history"],
            "examination": d["examination"],
            "assessment": d["assessment"],
            "plan": d["plan"],
            "follow_up_on": d["follow_up_on"],
            "vitals": {f: d.get(f) for f in self.VITALS},
            "overrides": dict.fromkeys(self.VITALS, reason) if reason else {},
            "lying": d["lying"] or None,
            "oedema": d["oedema"] if d.get("muac_mm") or d["oedema"] else None,
            "pregnant": d["pregnant"] or None,
            "diagnoses": [
                {
                    "code": d[f"dx_{n}"].split(" ")[0],
                    "certainty": d[f"dx_certainty_{n}"],
                    "primary": n == 0,
                }
                for n in range(DX_ROWS)
                if d.get(f"dx_{n}")
            ],
            "prescriptions": [
                {
                    "medicine": d[f"rx_medicine_{n}"],
                    "dose": d[f"rx_dose_{n}"],
                    "frequency": d[f"rx_frequency_{n}"],
                    "duration_days": d[f"rx_days_{n}"],
                    "dispensed": d[f"rx_dispensed_{n}"],
                }
                for n in range(RX_ROWS)
                if d.get(f"rx_medicine_{n}")
            ],
        }


def vaccine_choices():
    return [("", "—")] + [
        (cvx, f"{protocols.named(v)} ({cvx})")
        for cvx, v in sorted(
            immunization.load_vaccines().items(), key=lambda kv: protocols.named(kv[1])
        )
    ]


class ImmunizationForm(BootstrapMixin, forms.Form):
    cvx = forms.ChoiceField(label=_("Vaccine"))
    given_on = forms.DateField(label=_("Date given"), widget=DATE)
    source = forms.ChoiceField(label=_("Source"), choices=Immunization.Source.choices)
    dose_number = forms.IntegerField(label=_("Dose"), required=False, min_value=1, max_value=10)
    lot = forms.CharField(label=_("Lot number"), required=False)
    body_site = forms.CharField(label=_("Site"), required=False)
    location = forms.ModelChoiceField(label=_("Place"), queryset=None, required=False)
    override_reason = forms.CharField(label=_("Given despite the warning because"), required=False)

    def __init__(self, *args, user, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cvx"].choices = vaccine_choices()
        self.fields["location"].queryset = places(user, mission)
        self.fields["given_on"].initial = timezone.localdate()


class CaseForm(BootstrapMixin, forms.Form):
    protocol = forms.ChoiceField(label=_("Destination programme"))
    programme = forms.ChoiceField(label=_("Programme"), choices=AssessmentCase.Programme.choices)
    location = forms.ModelChoiceField(label=_("Site of the examination"), queryset=None)
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    departure_at = forms.DateTimeField(
        label=_("Flight departure, if known"), required=False, widget=LocalDateTimeInput()
    )

    def __init__(self, *args, user, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protocol"].choices = [
            (p["code"], protocols.named(p)) for p in protocols.protocols()
        ]
        self.fields["location"].queryset = places(user, mission)


# --- The case page's small forms ------------------------------------------------------------


class FindingsForm(BootstrapMixin, forms.Form):
    findings = forms.MultipleChoiceField(
        label=_("Findings"), required=False, widget=forms.CheckboxSelectMultiple
    )
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].choices = _named_choices(protocols.data()["findings"])


class ComponentForm(BootstrapMixin, forms.Form):
    component = forms.ChoiceField(label=_("Component"))
    done_on = forms.DateField(label=_("Date"), widget=DATE)
    outcome = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea({"rows": 2})
    )
    waived_reason = forms.CharField(label=_("Not done because"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [
            (code, protocols.named(c))
            for code, c in protocols.data()["components"].items()
            if c["kind"] != "test"
        ]
        self.fields["done_on"].initial = timezone.localdate()


class OrderForm(BootstrapMixin, forms.Form):
    test = forms.ChoiceField(label=_("Test"))
    partner = forms.ModelChoiceField(
        label=_("Laboratory or imaging centre"), queryset=None, required=False
    )
    specimens = forms.IntegerField(label=_("Specimens"), min_value=1, max_value=3, initial=1)
    pre_counselling = forms.CharField(
        label=_("Pre-test counselling notes"),
        required=False,
        help_text=_("Needed for tests that require counselling (HIV)."),
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["test"].choices = [
            (code, f"{protocols.named(t)} ({code})") for code, t in protocols.tests().items()
        ]
        self.fields["partner"].queryset = Provider.objects.filter(
            mission=mission, active=True, kind=Provider.Kind.HOSPITAL
        ).order_by("name")


class ResultForm(BootstrapMixin, forms.Form):
    investigation = forms.IntegerField(widget=forms.HiddenInput)
    interpretation = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", "—"), *Investigation.Interpretation.choices],
    )
    value = forms.DecimalField(label=_("Value"), required=False, max_digits=9, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), required=False)
    reading = forms.CharField(label=_("Reading or report"), required=False)
    collected_on = forms.DateField(
        label=_("Specimen taken or image made"), required=False, widget=DATE
    )


class TbForm(BootstrapMixin, forms.Form):
    tb_class = forms.ChoiceField(label=_("TB class"), choices=TbClass.choices)
    detail = forms.CharField(label=_("Site or source case"), required=False)
    reason = forms.CharField(label=_("Why, if it differs from the results"), required=False)


class DotForm(BootstrapMixin, forms.Form):
    regimen = forms.CharField(label=_("Regimen"))
    doses_planned = forms.IntegerField(label=_("Doses planned"), min_value=1, max_value=400)
    started_on = forms.DateField(label=_("Started"), widget=DATE)
    provider = forms.ModelChoiceField(label=_("DOT provider"), queryset=None, required=False)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(
            mission=mission, active=True
        ).order_by("name")


class DotDoseForm(BootstrapMixin, forms.Form):
    course = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), widget=DATE)
    observed = forms.BooleanField(label=_("Dose observed"), required=False)
    note = forms.CharField(label=_("Note (why missed)"), required=False)


class TreatmentForm(BootstrapMixin, forms.Form):
    drug = forms.CharField(widget=forms.HiddenInput)
    given_on = forms.DateField(label=_("Given on"), widget=DATE)
    override_reason = forms.CharField(
        label=_("Given despite a contraindication because"), required=False
    )


class FitnessForm(BootstrapMixin, forms.Form):
    fitness = forms.ChoiceField(label=_("Fitness to travel"))
    conditions = forms.CharField(label=_("Conditions"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fitness"].choices = _named_choices(protocols.fitness_categories())


class TravelForm(BootstrapMixin, forms.Form):
    departure_at = forms.DateTimeField(
        label=_("Flight departure"), required=False, widget=LocalDateTimeInput()
    )
    needs = forms.MultipleChoiceField(
        label=_("Travel arrangements"), required=False, widget=forms.CheckboxSelectMultiple
    )
    escort = forms.ModelChoiceField(label=_("Medical escort"), queryset=None, required=False)
    notes = forms.CharField(label=_("Travel notes"), required=False)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        from kopru.core.models import User

        self.fields["needs"].choices = _named_choices(protocols.travel_needs())
        self.fields["escort"].queryset = User.objects.filter(
            missions=mission, is_active=True, role__slug__in=["physician", "nurse"]
        ).order_by("username")


class PecForm(BootstrapMixin, forms.Form):
    at = forms.DateTimeField(label=_("Checked at"), widget=LocalDateTimeInput())
    fit = forms.BooleanField(label=_("Fit to fly"), required=False)
    findings = forms.CharField(label=_("Findings"), required=False)


class ShareForm(BootstrapMixin, forms.Form):
    document = forms.ChoiceField(
        label=_("What to share"),
        choices=[
            ("ips", _("International Patient Summary (FHIR JSON)")),
            ("authority_forms", _("The destination's examination forms (PDF)")),
        ],
    )
    recipient = forms.CharField(label=_("Recipient (authority or clinic)"))
    purpose = forms.CharField(label=_("Purpose"))
    include_mental_health = forms.BooleanField(
        label=_("Include mental-health diagnoses"), required=False
    )


class FollowUpForm(BootstrapMixin, forms.Form):
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    reporter = forms.CharField(label=_("Reported by"))
    admitted = forms.BooleanField(label=_("Admitted to hospital"), required=False)
    treatment = forms.CharField(label=_("Treatment"), required=False)
    outcome = forms.CharField(label=_("Outcome"), required=False)


class LinkForm(BootstrapMixin, forms.Form):
    recipient = forms.CharField(label=_("Receiving health department"))


class RecommendForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("schooling", _("Special schooling")), ("job", _("Job arrangements"))],
    )
    provider = forms.ModelChoiceField(label=_("Refer to"), queryset=None)
    text = forms.CharField(label=_("What is recommended"), widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(
            mission=mission, active=True
        ).order_by("name")
