"""Forms of the assistance pages: they read and shape input; the rules are in the service
modules, whose errors the views put on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kopru.core.forms import BootstrapMixin, DateInput
from kopru.core.models import Location, Project

from . import eligibility, inkind, monitoring, redemptions
from .models import Anomaly, Card, Receipt, StockMove, Warehouse

DATE = DateInput()
SIZES = range(1, 9)  # rows of the transfer-value table shown; larger households add a member


class EmptyForm(forms.Form):
    """For buttons whose only input is the row they name."""


def _choices(entries):
    return [(code, eligibility.named(entry)) for code, entry in entries.items()]


class ProgrammeForm(BootstrapMixin, forms.Form):
    """The programme, its criteria (one row per criterion of data/criteria.json: used or not,
    weight, threshold) and its transfer-value table."""

    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    modality = forms.ChoiceField(label=_("Modality"))
    kit = forms.ChoiceField(label=_("Kit (in kind)"), required=False)
    project = forms.ModelChoiceField(label=_("Project and donor"), queryset=None)
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provinces"), queryset=None, widget=forms.SelectMultiple({"size": 6})
    )
    budget = forms.CharField(label=_("Budget (TRY)"), max_length=20)
    recurring = forms.BooleanField(label=_("Recurring (one cycle after another)"), required=False)
    cutoff = forms.IntegerField(label=_("Score needed"), min_value=1, max_value=100)
    extra_member = forms.CharField(label=_("Each member beyond the table"), required=False)
    cap = forms.CharField(label=_("Cap per household"), required=False)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modality"].choices = _choices(eligibility.modalities())
        self.fields["kit"].choices = [("", "—"), *_choices(inkind.kits())]
        self.fields["project"].queryset = Project.objects.filter(
            mission=mission, active=True
        ).select_related("donor")
        self.fields["project"].label_from_instance = lambda p: f"{p.code} · {p.donor}"
        self.fields["provinces"].queryset = Location.objects.filter(
            mission=mission, level=Location.Level.PROVINCE
        )
        for code, spec in eligibility.criteria().items():
            # Added after BootstrapMixin ran: their classes are given here.
            small = {"class": "form-control form-control-sm"}
            self.fields[f"use_{code}"] = forms.BooleanField(
                label=eligibility.criterion_name(spec),
                required=False,
                widget=forms.CheckboxInput({"class": "form-check-input"}),
            )
            self.fields[f"weight_{code}"] = forms.IntegerField(
                label=_("Weight"),
                min_value=1,
                max_value=10,
                required=False,
                initial=1,
                widget=forms.NumberInput(small),
            )
            if spec["kind"] == "at_least":
                self.fields[f"threshold_{code}"] = forms.DecimalField(
                    label=_("At least"),
                    min_value=0,
                    required=False,
                    initial=spec["default"],
                    widget=forms.NumberInput({**small, "step": "any"}),
                )
        for size in SIZES:
            self.fields[f"size_{size}"] = forms.CharField(
                label=str(size),
                required=size == 1,
                max_length=20,
                widget=forms.TextInput({"class": "form-control", "dir": "ltr"}),
            )

    def criteria_rows(self):
        """(criterion field, weight field, threshold field or None) for the template."""
        return [
            (
                self[f"use_{code}"],
                self[f"weight_{code}"],
                self[f"threshold_{code}"] if f"threshold_{code}" in self.fields else None,
            )
            for code in eligibility.criteria()
        ]

    def main_fields(self):
        names = ("code", "name", "modality", "kit", "project", "provinces", "budget", "recurring")
        return [self[n] for n in names]

    def size_fields(self):
        return [self[f"size_{n}"] for n in SIZES]

    def chosen_criteria(self):
        data = self.cleaned_data
        rules = []
        for code, spec in eligibility.criteria().items():
            if not data.get(f"use_{code}"):
                continue
            rule = {"code": code, "weight": data.get(f"weight_{code}") or 1}
            if spec["kind"] == "at_least":
                threshold = data.get(f"threshold_{code}")
                rule["threshold"] = float(threshold) if threshold is not None else None
            rules.append(rule)
        return rules

    def transfer_table(self):
        data = self.cleaned_data
        table = {
            "by_size": {str(n): data[f"size_{n}"] for n in SIZES if data.get(f"size_{n}")},
            "extra_member": data.get("extra_member") or "0",
        }
        if data.get("cap"):
            table["cap"] = data["cap"]
        return table

    @staticmethod
    def initial_for(programme):
        initial = {
            "code": programme.code,
            "name": programme.name,
            "modality": programme.modality,
            "kit": programme.kit,
            "project": programme.project_id,
            "provinces": list(programme.provinces.values_list("pk", flat=True)),
            "budget": programme.budget,
            "recurring": programme.recurring,
            "cutoff": programme.cutoff,
            "extra_member": programme.transfer_values.get("extra_member", ""),
            "cap": programme.transfer_values.get("cap", ""),
        }
        for rule in programme.criteria:
            initial[f"use_{rule['code']}"] = True
            initial[f"weight_{rule['code']}"] = rule["weight"]
            if "threshold" in rule:
                initial[f"threshold_{rule['code']}"] = rule["threshold"]
        for size, value in programme.transfer_values.get("by_size", {}).items():
            initial[f"size_{size}"] = value
        return initial


class DecideForm(BootstrapMixin, forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Include")), ("0", _("Exclude"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason"), max_length=250)


class CycleForm(BootstrapMixin, forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)


class ReceiveCardsForm(BootstrapMixin, forms.Form):
    serials = forms.CharField(
        label=_("Serial numbers"),
        widget=forms.Textarea({"rows": 4, "dir": "ltr"}),
        help_text=_("One per line, or a range like C1001-C1050."),
    )

    def clean_serials(self):
        """Lines, commas or spaces; a range A-B of serials sharing a prefix is expanded."""
        found = []
        for token in self.cleaned_data["serials"].replace(",", " ").split():
            first, _dash, last = token.partition("-")
            if not last:
                found.append(token)
                continue
            prefix = first.rstrip("0123456789")
            if not last.startswith(prefix) or not first[len(prefix) :] or not last[len(prefix) :]:
                raise forms.ValidationError(_("Not a range of serial numbers: %s") % token)
            start, end = int(first[len(prefix) :]), int(last[len(prefix) :])
            width = len(first) - len(prefix)
            if end < start or end - start >= 5000:
                raise forms.ValidationError(_("A range covers 1 to 5,000 cards: %s") % token)
            found += [f"{prefix}{n:0{width}d}" for n in range(start, end + 1)]
        return found


class AssignCardForm(BootstrapMixin, forms.Form):
    card = forms.IntegerField(widget=forms.HiddenInput)
    household = forms.CharField(label=_("Household reference"), max_length=20)


class HandOverForm(BootstrapMixin, forms.Form):
    card = forms.IntegerField(widget=forms.HiddenInput)
    recipient = forms.IntegerField(label=_("Recipient"))
    confirmation = forms.ChoiceField(label=_("Confirmed by"), choices=Card.Confirmation.choices)


class BlockCardForm(BootstrapMixin, forms.Form):
    card = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why"), max_length=200)


class ReplaceCardForm(BootstrapMixin, forms.Form):
    card = forms.IntegerField(widget=forms.HiddenInput)
    serial = forms.CharField(label=_("New card's serial number"), max_length=32)


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("File (CSV)"))


class ReviewAnomalyForm(BootstrapMixin, forms.Form):
    anomaly = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Finding"),
        choices=[
            (Anomaly.Status.EXPLAINED, _("Explained")),
            (Anomaly.Status.REFERRED, _("Refer for investigation")),
        ],
    )
    note = forms.CharField(label=_("What was found"), max_length=500)


class VendorForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Merchant code"), max_length=40)
    name = forms.CharField(label=_("Shop name"), max_length=200)
    location = forms.ModelChoiceField(label=_("District"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    categories = forms.MultipleChoiceField(
        label=_("May sell on the card"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(
            mission=mission, level=Location.Level.DISTRICT
        ).select_related("parent")
        self.fields["location"].label_from_instance = lambda p: f"{p.parent.name} / {p.name}"
        self.fields["categories"].choices = _choices(redemptions.categories())


class ContractForm(BootstrapMixin, forms.Form):
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Vendor

        self.fields["vendor"].queryset = Vendor.objects.filter(mission=mission)


class WarehouseForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    location = forms.ModelChoiceField(label=_("District"), queryset=None)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(
            mission=mission, level=Location.Level.DISTRICT
        ).select_related("parent")
        self.fields["location"].label_from_instance = lambda p: f"{p.parent.name} / {p.name}"


class StockForm(BootstrapMixin, forms.Form):
    warehouse = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.IntegerField(label=_("Quantity"), help_text=_("Negative for items going out."))
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[(v, label) for v, label in StockMove.Reason.choices if v != "distributed"],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _choices(inkind.items())


class DistributionForm(BootstrapMixin, forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=None)
    day = forms.DateField(label=_("Day"), widget=DATE)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Location.objects.filter(
            mission=mission, level__in=[Location.Level.SITE, Location.Level.DISTRICT]
        ).order_by("path")
        self.fields["warehouse"].queryset = Warehouse.objects.filter(mission=mission)


class ReceiptForm(BootstrapMixin, forms.Form):
    receipt = forms.IntegerField(widget=forms.HiddenInput)
    receiver = forms.ChoiceField(label=_("Taken by"), choices=Receipt.Receiver.choices)
    person = forms.IntegerField(label=_("Member"), required=False)
    proxy_name = forms.CharField(label=_("Proxy's name"), max_length=150, required=False)
    proxy_document = forms.CharField(label=_("Proxy's document"), max_length=60, required=False)
    confirmation = forms.ChoiceField(label=_("Confirmed by"), choices=Card.Confirmation.choices)


class PdmForm(BootstrapMixin, forms.Form):
    """The questions of data/monitoring.json, in the interviewer's language."""

    refused = forms.BooleanField(label=_("The household declined the interview"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in monitoring.questions():
            label = monitoring.question_name(q)
            if q["kind"] == "many":
                field = forms.MultipleChoiceField(
                    label=label,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    choices=[(o, monitoring.option_name(o)) for o in q["options"]],
                )
            elif q["kind"] == "yes_no":
                field = forms.ChoiceField(
                    label=label,
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[("yes", _("Yes")), ("no", _("No"))],
                )
            elif q["kind"] == "scale":
                field = forms.ChoiceField(
                    label=label,
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[(str(n), str(n)) for n in range(q["min"], q["max"] + 1)],
                )
            else:
                field = forms.CharField(
                    label=label, required=False, widget=forms.Textarea({"rows": 3})
                )
            self.fields[q["code"]] = field


class ComplaintForm(BootstrapMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Came in by"))
    category = forms.ChoiceField(label=_("About"))
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False)
    household = forms.CharField(label=_("Household reference"), max_length=20, required=False)
    text = forms.CharField(label=_("What they said"), widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Programme

        self.fields["channel"].choices = _choices(monitoring.channels())
        self.fields["category"].choices = _choices(monitoring.complaint_categories())
        self.fields["programme"].queryset = Programme.objects.filter(mission=mission)


class AnswerForm(BootstrapMixin, forms.Form):
    response = forms.CharField(label=_("Answer given"), widget=forms.Textarea({"rows": 3}))
    close = forms.BooleanField(label=_("Close the complaint"), required=False)
