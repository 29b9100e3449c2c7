"""Forms of the livelihoods pages: they read and shape input; the rules are in skills.py and
grants.py, whose errors the views put on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core import access
from kopru.core.forms import BootstrapMixin, DateInput, LocalDateTimeInput
from kopru.core.models import Location, Project, User

from . import codes
from .models import Employer

DATE = DateInput()
ROWS = 3  # occupation and language rows shown; a review adds more


def _blank(choices):
    return [("", "—"), *choices]


def _provinces(mission):
    return Location.objects.filter(mission=mission, level=Location.Level.PROVINCE)


def references(text):
    """Registry references typed one per line, or separated by commas or spaces."""
    return [r for r in (text or "").replace(",", " ").split() if r]


class EmptyForm(forms.Form):
    pass


class ProfileForm(BootstrapMixin, forms.Form):
    person = forms.CharField(label=_("Person's reference number"), max_length=20, required=False)
    education = forms.ChoiceField(label=_("Education (ISCED 2011)"))
    permit = forms.ChoiceField(label=_("Work permit"))
    permit_expires = forms.DateField(label=_("Permit valid until"), required=False, widget=DATE)
    availability = forms.ChoiceField(label=_("Availability"))
    certificates = forms.CharField(
        label=_("Certificates"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("One a line: name; issuer; year"),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))
    counselling = forms.BooleanField(
        label=_("Recorded with the person (vocational counselling)"), required=False
    )

    def __init__(self, *args, with_person=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_person:
            del self.fields["person"]
        self.fields["education"].choices = _blank(codes.choices(codes.education_levels()))
        self.fields["permit"].choices = codes.choices(codes.labour("work_permits"))
        self.fields["availability"].choices = codes.choices(codes.labour("availability"))
        occupations = _blank([(c, codes.occupation(c)) for c in sorted(codes.unit_groups())])
        languages = _blank(codes.choices(codes.labour("languages")))
        levels = _blank(codes.choices(codes.labour("language_levels")))
        for n in range(1, ROWS + 1):
            self.fields[f"isco_{n}"] = forms.ChoiceField(
                label=_("Occupation %(n)s") % {"n": n},
                choices=occupations,
                required=False,
                widget=forms.Select({"class": "form-select"}),
            )
            self.fields[f"years_{n}"] = forms.IntegerField(
                label=_("Years of experience"),
                min_value=0,
                max_value=60,
                required=False,
                widget=forms.NumberInput({"class": "form-control"}),
            )
        for n in range(1, ROWS + 1):
            self.fields[f"language_{n}"] = forms.ChoiceField(
                label=_("Language %(n)s") % {"n": n},
                choices=languages,
                required=False,
                widget=forms.Select({"class": "form-select"}),
            )
            self.fields[f"level_{n}"] = forms.ChoiceField(
                label=_("Level"),
                choices=levels,
                required=False,
                widget=forms.Select({"class": "form-select"}),
            )

    @staticmethod
    def initial_for(profile):
        initial = {
            "education": profile.education,
            "permit": profile.permit,
            "permit_expires": profile.permit_expires,
            "availability": profile.availability,
            "notes": profile.notes,
            "certificates": "\n".join(
                "; ".join(str(c.get(k) or "") for k in ("name", "issuer", "year"))
                for c in profile.certificates
            ),
        }
        for n, occ in enumerate(profile.occupations[:ROWS], 1):
            initial[f"isco_{n}"], initial[f"years_{n}"] = occ["isco"], occ["years"]
        for n, lang in enumerate(profile.languages[:ROWS], 1):
            initial[f"language_{n}"], initial[f"level_{n}"] = lang["code"], lang["level"]
        return initial

    def data_for_service(self):
        d = self.cleaned_data
        certificates = []
        for line in (d.get("certificates") or "").splitlines():
            parts = [p.strip() for p in line.split(";")]
            if parts and parts[0]:
                parts += ["", ""]
                certificates.append({"name": parts[0], "issuer": parts[1], "year": parts[2]})
        return {
            "occupations": [
                {"isco": d.get(f"isco_{n}"), "years": d.get(f"years_{n}")}
                for n in range(1, ROWS + 1)
            ],
            "languages": [
                {"code": d.get(f"language_{n}"), "level": d.get(f"level_{n}")}
                for n in range(1, ROWS + 1)
            ],
            "education": d["education"],
            "certificates": certificates,
            "permit": d["permit"],
            "permit_expires": d.get("permit_expires"),
            "availability": d["availability"],
            "notes": d.get("notes") or "",
        }


class EmployerForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Employer
        fields = ["kind", "name", "sector", "province", "contact_name", "phone", "email"]

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"] = forms.ChoiceField(
            label=_("Sector"),
            choices=_blank(codes.choices(codes.labour("sectors"))),
            widget=forms.Select({"class": "form-select"}),
        )
        self.fields["province"].queryset = _provinces(mission)


class VacancyForm(BootstrapMixin, forms.Form):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=None)
    posted_by = forms.ModelChoiceField(
        label=_("Posted by a partner"), queryset=None, required=False
    )
    title = forms.CharField(label=_("Job title"), max_length=200)
    isco = forms.ChoiceField(label=_("Occupation (ISCO-08)"))
    province = forms.ModelChoiceField(label=_("Province"), queryset=None)
    language_1 = forms.ChoiceField(label=_("Language required"), required=False)
    level_1 = forms.ChoiceField(label=_("Level"), required=False)
    language_2 = forms.ChoiceField(label=_("Second language required"), required=False)
    level_2 = forms.ChoiceField(label=_("Level"), required=False)
    min_education = forms.ChoiceField(label=_("Minimum education"))
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=500)
    opens_on = forms.DateField(label=_("Open from"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    permit_required = forms.BooleanField(
        label=_("Work permit required"), required=False, initial=True
    )

    def __init__(self, *args, mission, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers.filter(kind=Employer.Kind.EMPLOYER)
        self.fields["posted_by"].queryset = employers.filter(kind=Employer.Kind.PARTNER)
        self.fields["province"].queryset = _provinces(mission)
        self.fields["isco"].choices = _blank(
            [(c, codes.occupation(c)) for c in sorted(codes.unit_groups())]
        )
        for n in (1, 2):
            self.fields[f"language_{n}"].choices = _blank(codes.choices(codes.labour("languages")))
            self.fields[f"level_{n}"].choices = _blank(
                codes.choices(codes.labour("language_levels"))
            )
        self.fields["min_education"].choices = codes.choices(codes.education_levels())

    # The fields that are the vacancy's own, as they are named on the model.
    MODEL_FIELDS = (
        "employer", "posted_by", "title", "isco", "province", "min_education", "positions",
        "opens_on", "closes_on", "permit_required",
    )  # fmt: skip

    @classmethod
    def initial_for(cls, vacancy):
        initial = {name: getattr(vacancy, name) for name in cls.MODEL_FIELDS}
        for n, row in enumerate(vacancy.languages[:2], start=1):
            initial[f"language_{n}"], initial[f"level_{n}"] = row.get("code"), row.get("level")
        return initial

    def languages(self):
        d = self.cleaned_data
        return [{"code": d.get(f"language_{n}"), "level": d.get(f"level_{n}")} for n in (1, 2)]


class PlacementForm(BootstrapMixin, forms.Form):
    person = forms.CharField(label=_("Person's reference number"), max_length=20)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    contract = forms.ChoiceField(label=_("Contract type"))
    monthly_wage = forms.CharField(label=_("Monthly wage (TRY)"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = codes.choices(codes.labour("contract_types"))


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class FollowUpForm(BootstrapMixin, forms.Form):
    follow_up = forms.IntegerField(widget=forms.HiddenInput)
    employed = forms.ChoiceField(label=_("Still employed there?"), choices=YES_NO)
    reason = forms.ChoiceField(label=_("Why the person left"), required=False)
    done_on = forms.DateField(label=_("Date"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _blank(codes.choices(codes.labour("leaving_reasons")))


class CallForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Grant type"))
    title = forms.CharField(label=_("Title"), max_length=200)
    budget = forms.CharField(label=_("Budget (TRY)"), max_length=20)
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provinces"), queryset=None, widget=forms.SelectMultiple({"size": 4})
    )
    panel = forms.ModelMultipleChoiceField(
        label=_("Panel"), queryset=None, widget=forms.SelectMultiple({"size": 4})
    )
    min_scores = forms.IntegerField(
        label=_("Panel scores needed before an award"), min_value=1, max_value=9, required=False
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)
    opens_on = forms.DateField(label=_("Open from"), widget=DATE)
    closes_on = forms.DateField(label=_("Applications until"), widget=DATE)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = codes.choices(codes.grant_types())
        self.fields["provinces"].queryset = _provinces(mission)
        staff = User.objects.filter(missions=mission, is_active=True).select_related("role")
        self.fields["panel"].queryset = User.objects.filter(
            pk__in=[u.pk for u in staff if access.has(u, "livelihoods.manage|livelihoods.award")]
        )
        self.fields["panel"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["project"].queryset = Project.objects.filter(mission=mission, active=True)


class ApplicationForm(BootstrapMixin, forms.Form):
    lead = forms.CharField(label=_("Applicant (or team lead): reference number"), max_length=20)
    members = forms.CharField(
        label=_("Other team members: reference numbers"),
        required=False,
        help_text=_("Separated by spaces or commas; for a team only."),
    )
    business_name = forms.CharField(label=_("Business name"), max_length=200)
    plan = forms.CharField(label=_("Business plan summary"), widget=forms.Textarea({"rows": 3}))
    items = forms.CharField(
        label=_("Items requested"),
        widget=forms.Textarea({"rows": 4}),
        help_text=_("One a line: item; quantity; estimated unit cost"),
    )

    def item_rows(self):
        rows = []
        for line in self.cleaned_data["items"].splitlines():
            parts = [p.strip() for p in line.split(";")]
            if parts and parts[0]:
                parts += ["", ""]
                rows.append({"description": parts[0], "quantity": parts[1], "unit_cost": parts[2]})
        return rows


class ScoreForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        criteria = codes.grant_criteria()
        for c in call.criteria:
            self.fields[f"score_{c['code']}"] = forms.IntegerField(
                label=_("%(criterion)s (0-%(max)s, weight %(weight)s)")
                % {
                    "criterion": codes.named(criteria[c["code"]]),
                    "max": c["max"],
                    "weight": c["weight"],
                },
                min_value=0,
                max_value=c["max"],
                widget=forms.NumberInput({"class": "form-control"}),
            )

    def scores(self):
        return {k[6:]: v for k, v in self.cleaned_data.items() if k.startswith("score_")}


class AwardForm(BootstrapMixin, forms.Form):
    amount = forms.CharField(
        label=_("Amount awarded (TRY)"),
        max_length=20,
        required=False,
        help_text=_("Empty: the items requested."),
    )


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 2}))


class DeliveryForm(BootstrapMixin, forms.Form):
    item = forms.CharField(label=_("Item"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    value = forms.CharField(label=_("Value (TRY)"), max_length=20)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)
    receipt = forms.FileField(label=_("Signed receipt (PDF, JPEG or PNG)"), required=False)
    paper_reference = forms.CharField(
        label=_("or the paper receipt's reference"), max_length=60, required=False
    )


class MentoringForm(BootstrapMixin, forms.Form):
    at = forms.DateTimeField(
        label=_("Date and time"),
        widget=LocalDateTimeInput(),
    )
    mentor = forms.CharField(label=_("Mentor"), max_length=150)
    topics = forms.MultipleChoiceField(label=_("Topics"), widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = codes.choices(codes.mentoring_topics())


class BusinessFollowUpForm(BootstrapMixin, forms.Form):
    follow_up = forms.IntegerField(widget=forms.HiddenInput)
    operating = forms.ChoiceField(label=_("Is the business operating?"), choices=YES_NO)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    revenue_band = forms.ChoiceField(label=_("Monthly revenue"), required=False)
    done_on = forms.DateField(label=_("Date"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revenue_band"].choices = _blank(codes.choices(codes.revenue_bands()))
