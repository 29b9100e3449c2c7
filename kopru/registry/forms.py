from datetime import date

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopru.core import access
from kopru.core.forms import BootstrapMixin, DateInput
from kopru.core.models import Location

from . import choices, validation
from .models import DatePrecision, IdentityDocument, Person
from .services import PERSON_FIELDS


class PartialDateField(forms.Field):
    """A date of birth as people give it (validation.read_date): cleans to (date, precision
    implied by what was typed)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"})

    def prepare_value(self, value):
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        return value

    def to_python(self, value):
        return validation.read_date(value)


class PersonForm(BootstrapMixin, forms.ModelForm):
    birth_date = PartialDateField(
        label=_("Date of birth"), required=False, help_text=_("dd.mm.yyyy, mm.yyyy or yyyy")
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    birth_country = forms.ChoiceField(label=_("Country of birth"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    interpreter_language = forms.ChoiceField(
        label=_("Preferred interpreter language"), required=False
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "given_name": forms.TextInput(attrs={"autofocus": True}),
            **{
                f: forms.TextInput(attrs={"dir": "auto", "lang": ""})
                for f in (
                    "given_name_original",
                    "family_name_original",
                    "father_name_original",
                    "mother_name_original",
                )
            },
        }

    def __init__(self, *args, user=None, mission=None, **kwargs):
        super().__init__(*args, **kwargs)
        countries = choices.countries()
        self.fields["nationality"].choices = countries
        self.fields["birth_country"].choices = countries
        langs = choices.languages()
        self.fields["languages"].choices = langs
        self.fields["interpreter_language"].choices = [("", "—"), *langs]
        flags = choices.vulnerabilities_for(user)
        self.fields["vulnerabilities"].choices = [(f["code"], _(f["label"])) for f in flags]
        self.visible_flags = {f["code"] for f in flags}
        places = Location.objects.filter(
            mission=mission,
            level__in=[Location.Level.DISTRICT, Location.Level.SITE],
            active=True,
        ).select_related("parent")
        prefixes = access.location_prefixes(user, mission) if mission else []
        if prefixes is not None:
            condition = Q(pk__in=[])
            for prefix in prefixes:
                condition |= Q(path__startswith=prefix)
            places = places.filter(condition)
        self.fields["location"].queryset = places.order_by("path")
        self.fields["location"].label_from_instance = lambda loc: (
            f"{loc.parent.name} › {loc.name}" if loc.parent else loc.name
        )
        self.fields["sex"].widget.attrs["autocomplete"] = "off"
        if self.instance.pk:
            self.initial["vulnerabilities"] = [
                v for v in self.instance.vulnerabilities if v in self.visible_flags
            ]

    def clean(self):
        data = super().clean()
        parsed = data.get("birth_date")
        if isinstance(parsed, tuple):
            day, implied = parsed
            data["birth_date"] = day
            # "1992" alone means the year is all that is known, whatever the default says.
            if implied != DatePrecision.EXACT and data.get("birth_date_precision") in (
                None,
                "",
                DatePrecision.EXACT,
            ):
                data["birth_date_precision"] = implied
        return data

    def clean_vulnerabilities(self):
        # Flags of categories this user may not see are kept as they were.
        hidden = [v for v in (self.instance.vulnerabilities or []) if v not in self.visible_flags]
        return sorted(set(self.cleaned_data["vulnerabilities"]) | set(hidden))


class DocumentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[("", "—"), *IdentityDocument.Kind.choices], required=False
    )
    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),  # digits read left to right in RTL too
    )
    issued_on = forms.DateField(label=_("Issued"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Expires"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("number") and not data.get("kind"):
            self.add_error("kind", _("Say which document this number is from."))
        if data.get("kind") and not data.get("number"):
            self.add_error("number", _("Enter the document number."))
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("A document cannot expire before it is issued."))
        return data


class PhoneForm(BootstrapMixin, forms.Form):
    number = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "dir": "ltr"}),
    )
    label = forms.CharField(label=_("Whose / which"), max_length=40, required=False)


DocumentFormSet = forms.formset_factory(DocumentForm, extra=2, max_num=6)
PhoneFormSet = forms.formset_factory(PhoneForm, extra=2, max_num=4)


class ConsentForm(BootstrapMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"))
    recipient = forms.CharField(
        label=_("Recipient"),
        max_length=150,
        required=False,
        help_text=_("For referral and sharing: the organisation or authority, by name."),
    )
    language = forms.ChoiceField(label=_("Language of the text read or shown"))
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    interpreter = forms.CharField(label=_("Interpreter"), max_length=150, required=False)
    guardian_reference = forms.CharField(
        label=_("Guardian's reference (if registered)"), max_length=20, required=False
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=150, required=False)
    guardian_relationship = forms.CharField(
        label=_("Guardian's relationship"), max_length=60, required=False
    )

    def __init__(self, *args, **kwargs):
        from . import consent
        from .models import ConsentEvent, ConsentPurpose

        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = ConsentPurpose.choices
        names = {
            "en": "English",
            "tr": "Türkçe",
            "ar": "العربية",
            "fa": "فارسی",
            "so": "Soomaali",
            "am": "አማርኛ",
        }
        self.fields["language"].choices = [(c, names.get(c, c)) for c in consent.languages()]
        self.fields["decision"].choices = ConsentEvent.Decision.choices
        for name in ("purpose", "language"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": "",
                    "hx-select": "#consent-text",
                    "hx-target": "#consent-text",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                }
            )


class ImportUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("List (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    location = forms.ModelChoiceField(label=_("District or site"), queryset=Location.objects.none())
    population_group = forms.ChoiceField(label=_("Population group"))

    def __init__(self, *args, user=None, mission=None, **kwargs):
        from .models import PopulationGroup

        super().__init__(*args, **kwargs)
        places = PersonForm(user=user, mission=mission).fields["location"]
        self.fields["location"].queryset = places.queryset
        self.fields["location"].label_from_instance = places.label_from_instance
        self.fields["population_group"].choices = PopulationGroup.choices
        self.fields["file"].help_text = _(
            "Columns are recognised by name: given_name, family_name, father_name, sex, "
            "date_of_birth, nationality, phone, document_number (Kopru's template) or the "
            "usual Turkish and English headers. You check the mapping next."
        )
