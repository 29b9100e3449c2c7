"""The destination's documentation: for the United States the content of the panel
physician's forms (DS-2054 examination, DS-3025 vaccination, DS-3026 history and physical,
DS-3030 chest X-ray and classification); for the eMedical countries a summary in their shape.
In English, the language the receiving authorities read; printed by WeasyPrint. Only
disclosures.disclose calls it, after the consent check."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from . import checklist, codes, immunization, protocols
from .models import Encounter, Investigation


def _latest_vitals(case):
    return (
        Encounter.objects.filter(person=case.person, category="health")
        .exclude(weight_kg=None, systolic=None, pulse=None)
        .order_by("-at")
        .first()
    )


def forms_html(case, *, author=None):
    vaccines = immunization.load_vaccines()
    with override("en"):
        entry = protocols.protocol(case.protocol)
        results = [
            (i, protocols.test_name(i.test))
            for i in case.investigations.filter(status=Investigation.Status.RESULTED)
        ]
        return render_to_string(
            "health/authority_forms.html",
            {
                "case": case,
                "person": case.person,
                "protocol": entry,
                "protocol_name": protocols.named(entry),
                "us": entry["system"] == "CDC",
                "items": checklist.items(case),
                "results": results,
                "cxr": [r for r in results if r[0].test == "36643-5"],
                "components": {c.component: c for c in case.components.all()},
                "vitals": _latest_vitals(case),
                "diagnoses": [
                    (d.code, codes.title(d.code, "en"))
                    for e in case.person.encounters.filter(category="health")
                    for d in e.diagnoses.all()
                ],
                "doses": [
                    (d, vaccines.get(d.cvx, {"names": {"en": d.cvx}})["names"]["en"])
                    for d in case.person.immunizations.all()
                ],
                "fitness": protocols.named(protocols.fitness_categories().get(case.fitness, {})),
                "expires": checklist.exam_expires(case),
                "author": author,
                "printed": timezone.localtime(),
            },
        )


def forms_pdf(case, *, author=None) -> bytes:
    from weasyprint import HTML

    return HTML(string=forms_html(case, author=author)).write_pdf()
