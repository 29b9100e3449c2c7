"""Every write of the health needs surveys (CONVENTIONS.md: one write path): a response
entered on the page or sent by the API, and an export from KoboToolbox/ODK taken in whole or
not at all. Responses are health data: only `capacity.manage` roles that see health write or
read them, each within its teams' places; a summary (survey_summary.py) is aggregate."""

import hashlib
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kopru.core import access, audit, uploads
from kopru.core.models import AuditEvent, Location, Sensitivity
from kopru.services.services import sent_before

from . import survey_forms, survey_import
from .models import SurveyImport, SurveyResponse

NAMESPACE = uuid.UUID("0c6f7a52-2d0e-4b8e-9a41-7f3c5e2b9d10")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ERRORS_SHOWN = 200


def _ensure(actor, mission):
    access.ensure(actor, mission, "capacity.manage", category=Sensitivity.HEALTH)


def may_read(user, mission):
    return (
        access.has(user, "capacity.manage")
        and access.in_mission(user, mission)
        and access.can_see_category(user, Sensitivity.HEALTH)
    )


def visible(user, mission, form_code=None):
    """Responses the user may read: their places, only with the health category."""
    if not may_read(user, mission):
        return SurveyResponse.objects.none()
    rows = access.scope(user, SurveyResponse.objects.all(), mission, path_field="location__path")
    return rows.filter(form_code=form_code) if form_code else rows


def in_scope(user, mission):
    """Responses behind a summary the user may open: their places (all for mission-wide roles
    such as the M&E officer); aggregate only, so no category is needed."""
    return access.scope(user, SurveyResponse.objects.all(), mission, path_field="location__path")


def require_response(user, response):
    if not may_read(user, response.mission) or not access.can_see_location(user, response.location):
        raise PermissionDenied(_("This response is outside your teams' places."))


def viewed(actor, response, *, request=None):
    audit.record(
        actor,
        AuditEvent.Action.VIEW,
        response,
        request=request,
        category=Sensitivity.HEALTH,
        details={"form": response.form_code},
    )


def places(actor, mission):
    """Location codes the actor may file a response under, with their Locations."""
    test = access.location_test(actor, mission)
    found = Location.objects.filter(
        mission=mission,
        active=True,
        level__in=[Location.Level.PROVINCE, Location.Level.DISTRICT, Location.Level.SITE],
    )
    return {loc.pcode: loc for loc in found if test(loc)}


def _form(code):
    form = survey_forms.get(code)
    if form is None:
        raise ValidationError({"form": _("Choose one of the survey forms.")})
    return form


def _check_person(actor, mission, person, errors):
    if person is None:
        return
    if person.mission_id != mission.pk or not access.can_see_location(actor, person.location):
        errors["person"] = _("This person is outside your teams' places.")
    elif person.merged_into_id:
        errors["person"] = _("%(reference)s was merged; use %(survivor)s.") % {
            "reference": person.reference,
            "survivor": person.merged_into.reference,
        }


def _response(mission, form, answers, where, **fields):
    return SurveyResponse(
        mission=mission,
        form_code=form["code"],
        form_version=form["version"],
        answers=answers,
        location=where[answers[form["place"]]],
        collected_on=answers[form["date"]],
        **fields,
    )


def record_response(actor, mission, form_code, raw, *, uid=None, person=None, request=None):
    """Store one response typed on the page or sent by a client. The same `uid` again returns
    the stored response and writes nothing."""
    _ensure(actor, mission)
    form = _form(form_code)
    if (existing := sent_before(SurveyResponse, uid, mission=mission)) is not None:
        return existing
    where = places(actor, mission)
    answers, errors = survey_forms.clean(form, raw, where)
    _check_person(actor, mission, person, errors)
    if errors:
        raise ValidationError(errors)
    uid = uid or uuid.uuid4()
    with transaction.atomic():
        response = _response(
            mission,
            form,
            answers,
            where,
            uid=uid,
            submission_id=str(uid),
            person=person,
            source=SurveyResponse.Source.ENTERED,
            recorded_by=actor,
        )
        response.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            response,
            request=request,
            category=Sensitivity.HEALTH,
            details={"form": form["code"], "person": person.reference if person else ""},
        )
    return response


def import_responses(actor, mission, form_code, content, *, name="", request=None):
    """Take in an export (XLSX or CSV, columns named by question, group paths accepted). All
    or nothing: any refused row or column refuses the file, each named. Submissions already
    stored (by `_uuid` / `meta/instanceID`) are skipped, so the same file twice stores once.

    Returns {"already": bool, "rows": n, "stored": n, "skipped": n, "batch": SurveyImport}."""
    _ensure(actor, mission)
    form = _form(form_code)
    kind = uploads.check(content, (uploads.XLSX, uploads.CSV), max_bytes=MAX_IMPORT_BYTES)
    digest = hashlib.sha256(content).hexdigest()
    done = SurveyImport.objects.filter(mission=mission, form_code=form["code"], sha256=digest)
    if (batch := done.first()) is not None:
        return {
            "already": True,
            "rows": batch.rows,
            "stored": 0,
            "skipped": batch.rows,
            "batch": batch,
        }
    header, rows = survey_import.read(content, kind)
    columns, problems = survey_import.map_columns(form, header)
    where = places(actor, mission)
    found, seen = [], {}
    for number, cells in rows:
        submission = survey_import.submission_id(cells)
        if not submission:
            problems.append(
                _("Row %(row)s: no submission id (_uuid or meta/instanceID).") % {"row": number}
            )
            continue
        if submission in seen:
            problems.append(
                _("Row %(row)s: submission %(id)s is also on row %(other)s.")
                % {"row": number, "id": submission, "other": seen[submission]}
            )
            continue
        seen[submission] = number
        raw = {question: cells.get(column) for column, question in columns.items()}
        answers, errors = survey_forms.clean(form, raw, where)
        for question, message in errors.items():
            problems.append(
                _("Row %(row)s, %(question)s: %(message)s")
                % {"row": number, "question": question, "message": message}
            )
        if not errors:
            found.append((submission, answers))
    if not rows and not problems:
        problems.append(_("The file has no responses."))
    if problems:
        shown = problems[:MAX_ERRORS_SHOWN]
        if len(problems) > len(shown):
            shown.append(_("… and %(n)s more problems.") % {"n": len(problems) - MAX_ERRORS_SHOWN})
        raise ValidationError({"file": shown})
    stored_ids = set(
        SurveyResponse.objects.filter(
            mission=mission, form_code=form["code"], submission_id__in=[s for s, _a in found]
        ).values_list("submission_id", flat=True)
    )
    new = [(s, a) for s, a in found if s not in stored_ids]
    with transaction.atomic(), uploads.stored(content, "capacity/surveys") as path:
        batch = SurveyImport.objects.create(
            mission=mission,
            form_code=form["code"],
            file_name=(name or "")[:200],
            sha256=digest,
            path=path,
            rows=len(found),
            stored=len(new),
            imported_by=actor,
        )
        SurveyResponse.objects.bulk_create(
            _response(
                mission,
                form,
                answers,
                where,
                uid=uuid.uuid5(NAMESPACE, f"{mission.code}:{form['code']}:{submission}"),
                submission_id=submission[:100],
                source=SurveyResponse.Source.IMPORTED,
                batch=batch,
                recorded_by=actor,
            )
            for submission, answers in new
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            batch,
            request=request,
            category=Sensitivity.HEALTH,
            details={"form": form["code"], "rows": len(found), "stored": len(new)},
        )
    return {
        "already": False,
        "rows": len(found),
        "stored": len(new),
        "skipped": len(found) - len(new),
        "batch": batch,
    }
