"""The TB classification the results point to (CDC classes, HEALTH_RULES.md): the physician
confirms it; this only reads the results and says why."""

from django.utils.translation import gettext as _

from .models import Investigation, TbClass

CXR = "36643-5"
IGRA = "71773-6"
TST = "39279-5"
SPUTUM = ("11545-1", "543-9", "38379-4")
SPECIMENS = 3
POSITIVE = Investigation.Interpretation.POSITIVE


def suggest(case):
    """(class or None, reasons). None: the results so far cannot classify (e.g. sputum
    pending after a suggestive X-ray)."""
    results = [i for i in case.investigations.all() if i.status == Investigation.Status.RESULTED]
    by_test = {}
    for result in results:
        by_test.setdefault(result.test, []).append(result)
    findings = set(case.findings)
    sputum = [r for t in SPUTUM for r in by_test.get(t, [])]
    if any(r.interpretation == POSITIVE for r in sputum):
        if case.dot_courses.filter(completed_on__isnull=False).exists():
            return TbClass.B0, [_("Sputum positive; treatment under DOT completed.")]
        return TbClass.A, [_("A sputum smear, culture or molecular test is positive.")]
    cxr_suggestive = any(
        r.interpretation == Investigation.Interpretation.SUGGESTIVE for r in by_test.get(CXR, [])
    ) or ("cxr_suggestive" in findings)
    reasons = []
    if cxr_suggestive or {"tb_symptoms", "hiv_positive"} & findings:
        smears = {r.specimen for r in by_test.get("11545-1", [])}
        cultures = {r.specimen for r in by_test.get("543-9", [])}
        if len(smears) < SPECIMENS or len(cultures) < SPECIMENS:
            return None, [
                _("Awaiting sputum: %(smears)s of 3 smears and %(cultures)s of 3 cultures.")
                % {"smears": len(smears), "cultures": len(cultures)}
            ]
        return TbClass.B1_PULMONARY, [
            _("X-ray suggestive of TB, signs or HIV, with negative smears and cultures.")
        ]
    igra_positive = any(r.interpretation == POSITIVE for r in by_test.get(IGRA, []))
    contact = "tb_contact" in findings
    tst_mm = [r.value for r in by_test.get(TST, []) if r.value is not None]
    tst_positive = any(v >= (5 if contact else 10) for v in tst_mm)
    if igra_positive or tst_positive:
        reasons.append(
            _("Positive IGRA.") if igra_positive else _("TST induration at or above the cut-off.")
        )
        return TbClass.B2, reasons
    if contact:
        return TbClass.B3, [_("Contact of a TB case, with negative tests.")]
    if CXR in by_test or IGRA in by_test or TST in by_test:
        return TbClass.NONE, [_("TB screening results are negative.")]
    return None, [_("No TB screening result yet.")]
