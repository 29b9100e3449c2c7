"""Post-distribution monitoring and complaints about assistance (CONVENTIONS.md: one write
path). The questions, the sample's size, the channels, the categories and the time to answer
are data (data/monitoring.json).

A PDM sample is drawn from the households a cycle reached; each drawn household is
interviewed once (or recorded as refusing) and the answers are summarised per cycle.
A complaint is answered within the mission's days; one about staff misconduct, fraud or
exploitation is seen only by those who approve (the head of unit), not by the officers whose
work it may be about."""

import json
import random
import statistics
from collections import Counter
from functools import cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access
from kopru.core.models import AuditEvent
from kopru.core.text import in_language

from .eligibility import named
from .models import Complaint, PdmResponse
from .services import _audit, _ensure_for, _when

DATA = Path(__file__).resolve().parent / "data" / "monitoring.json"


@cache
def _data():
    return json.loads(DATA.read_text(encoding="utf-8"))


def questions():
    return _data()["pdm"]["questions"]


def option_name(code):
    return in_language(_data()["pdm"]["options"][code])


def question_name(question):
    return named(question)


def channels():
    return {c["code"]: c for c in _data()["complaints"]["channels"]}


def complaint_categories():
    return {c["code"]: c for c in _data()["complaints"]["categories"]}


# --- Post-distribution monitoring -----------------------------------------------------------


def sample_size(reached):
    rule = _data()["pdm"]["sample"]
    wanted = max(rule["minimum"], round(reached * rule["share"]))
    return min(reached, rule["maximum"], wanted)


def draw_sample(actor, cycle, *, seed=None, request=None):
    """Draw the cycle's sample among the households it reached (loaded card or kit received).
    Drawn once; the seed is kept in the audit so the draw can be repeated."""
    _ensure_for(actor, cycle.programme, "assistance.manage")
    if cycle.pdm.exists():
        raise ValidationError({"cycle": _("The sample of this cycle is drawn already.")})
    reached = sorted(
        cycle.entitlements.filter(loaded_at__isnull=False).values_list("household_id", flat=True)
    )
    if not reached:
        raise ValidationError({"cycle": _("The cycle has reached no household yet.")})
    seed = seed if seed is not None else random.SystemRandom().randrange(1 << 30)
    chosen = random.Random(seed).sample(reached, sample_size(len(reached)))
    with transaction.atomic():
        PdmResponse.objects.bulk_create(PdmResponse(cycle=cycle, household_id=h) for h in chosen)
        _audit(actor, cycle, request=request, pdm_sample=len(chosen), seed=seed)
    return len(chosen)


def _clean_answers(answers):
    clean, errors = {}, []
    for q in questions():
        value = answers.get(q["code"])
        if q["kind"] == "many":
            value = [v for v in (value or []) if v]
            if not value:
                errors.append(_("Answer the question: %(q)s") % {"q": question_name(q)})
            elif any(v not in q["options"] for v in value):
                errors.append(_("Not an answer of the list: %(q)s") % {"q": question_name(q)})
        elif q["kind"] == "yes_no":
            if value not in ("yes", "no", True, False):
                errors.append(_("Answer the question: %(q)s") % {"q": question_name(q)})
            value = value in ("yes", True)
        elif q["kind"] == "scale":
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = None
            if value is None or not q["min"] <= value <= q["max"]:
                errors.append(_("Answer the question: %(q)s") % {"q": question_name(q)})
        else:
            value = (value or "").strip()[:1000]
        clean[q["code"]] = value
    if errors:
        raise ValidationError({"answers": errors})
    return clean


def record_pdm(actor, response, *, answers=None, refused=False, request=None):
    _ensure_for(actor, response.cycle.programme, "assistance.manage")
    if response.answered_at:
        raise ValidationError({"answers": _("This interview is recorded already.")})
    clean = {} if refused else _clean_answers(answers or {})
    with transaction.atomic():
        response.answers, response.refused = clean, bool(refused)
        response.answered_at, response.by = timezone.now(), actor
        response.save(update_fields=["answers", "refused", "answered_at", "by"])
        _audit(actor, response, request=request, refused=response.refused)
    return response


def pdm_summary(cycle):
    """Per question: how many answered what (shares of those interviewed); the mean score."""
    rows = list(cycle.pdm.all())
    done = [r for r in rows if r.answered_at and not r.refused]
    summary = {
        "sampled": len(rows),
        "interviewed": len(done),
        "refused": sum(1 for r in rows if r.refused),
        "questions": [],
    }
    for q in questions():
        values = [r.answers.get(q["code"]) for r in done]
        entry = {"code": q["code"], "kind": q["kind"], "name": question_name(q)}
        if q["kind"] == "many":
            counts = Counter(v for answer in values for v in answer or [])
            entry["options"] = [
                {
                    "name": option_name(o),
                    "n": counts[o],
                    "share": round(100 * counts[o] / len(done)) if done else 0,
                }
                for o in q["options"]
                if counts[o]
            ]
        elif q["kind"] == "yes_no":
            yes = sum(1 for v in values if v)
            entry["yes"], entry["share"] = yes, round(100 * yes / len(done)) if done else 0
        elif q["kind"] == "scale":
            scores = [v for v in values if isinstance(v, int)]
            entry["mean"] = round(statistics.mean(scores), 1) if scores else None
        else:
            entry["texts"] = [v for v in values if v]
        summary["questions"].append(entry)
    return summary


# --- Complaints -----------------------------------------------------------------------------


def sensitive(category):
    return bool(complaint_categories().get(category, {}).get("sensitive"))


def may_see(user, complaint):
    if not access.in_mission(user, complaint.mission):
        return False
    if sensitive(complaint.category):
        return access.has(user, "assistance.approve")
    return access.has(user, "assistance.manage") or access.has(user, "assistance.approve")


def visible(user, queryset):
    """The complaints a user may read: the sensitive ones only for those who approve."""
    if not access.has(user, "assistance.approve"):
        queryset = queryset.exclude(
            category__in=[c for c in complaint_categories() if sensitive(c)]
        )
    return queryset


def log_complaint(actor, complaint, *, request=None):
    if not (
        access.has(actor, "assistance.manage") or access.has(actor, "assistance.approve")
    ) or not access.in_mission(actor, complaint.mission):
        raise PermissionDenied(_("Your role does not take complaints about assistance."))
    errors = {}
    if complaint.channel not in channels():
        errors["channel"] = _("Say how the complaint came in.")
    if complaint.category not in complaint_categories():
        errors["category"] = _("Say what the complaint is about.")
    if not (complaint.text or "").strip():
        errors["text"] = _("Write down what was said.")
    if complaint.received_at and complaint.received_at > timezone.now():
        errors["received_at"] = _("The complaint cannot come from the future.")
    if complaint.programme and complaint.programme.mission_id != complaint.mission_id:
        errors["programme"] = _("Choose a programme of this mission.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        complaint.received_by = actor
        complaint.save()
        _audit(actor, complaint, AuditEvent.Action.CREATE, request, category=complaint.category)
    return complaint


def answer_complaint(actor, complaint, *, response, close=False, at=None, request=None):
    """The answer given (at `at` when it is recorded after the fact), and the complaint
    closed when nothing more is to be done."""
    if not may_see(actor, complaint):
        raise PermissionDenied(_("You may not see this complaint."))
    if complaint.status == Complaint.Status.CLOSED:
        raise ValidationError({"response": _("This complaint is closed.")})
    if not (response or "").strip():
        raise ValidationError({"response": _("Write the answer given.")})
    now = _when(at)
    if now < complaint.received_at:
        raise ValidationError({"response": _("The answer comes after the complaint.")})
    with transaction.atomic():
        complaint.response = response.strip()
        if complaint.answered_at is None:
            complaint.answered_at, complaint.answered_by = now, actor
        complaint.status = Complaint.Status.CLOSED if close else Complaint.Status.ANSWERED
        complaint.closed_at = now if close else None
        complaint.save(
            update_fields=["response", "answered_at", "answered_by", "status", "closed_at"]
        )
        _audit(actor, complaint, request=request, status=complaint.status)
    return complaint


def response_hours(complaint, now=None):
    end = complaint.answered_at or now or timezone.now()
    return (end - complaint.received_at).total_seconds() / 3600


def overdue(complaint, now=None):
    days = _data()["complaints"]["answer_within_days"]
    return complaint.answered_at is None and response_hours(complaint, now) > days * 24


def complaint_summary(complaints):
    """Open, answered, closed; median hours to answer; how many are past the time."""
    rows = list(complaints)
    now = timezone.now()
    answered = [response_hours(c) for c in rows if c.answered_at]
    return {
        "total": len(rows),
        "open": sum(1 for c in rows if c.status == Complaint.Status.OPEN),
        "answered": sum(1 for c in rows if c.status == Complaint.Status.ANSWERED),
        "closed": sum(1 for c in rows if c.status == Complaint.Status.CLOSED),
        "median_hours": round(statistics.median(answered), 1) if answered else None,
        "overdue": sum(1 for c in rows if overdue(c, now)),
        "within_days": _data()["complaints"]["answer_within_days"],
    }
