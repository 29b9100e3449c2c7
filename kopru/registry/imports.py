"""Importing a legacy or partner list of people: read, map columns, preview, commit.

The preview runs every row through the same checks as a registration by hand
(services.check_registration) and the duplicate check against the registry; the commit
writes all rows or none.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopru.core import audit
from kopru.core.models import AuditEvent
from kopru.core.text import fold

from . import services, validation
from .dedup.files import parse_date
from .dedup.online import check

# Kopru field -> what the column may be called in the files people bring.
FIELDS = {
    "id": ["id", "no", "legacy id", "case id", "sira no"],
    "given_name": ["given_name", "given name", "first name", "name", "ad", "adi", "isim"],
    "family_name": ["family_name", "family name", "surname", "last name", "soyad", "soyadi"],
    "father_name": ["father_name", "father name", "father's name", "baba adi"],
    "mother_name": ["mother_name", "mother name", "mother's name", "anne adi"],
    "given_name_original": ["given_name_original", "name (arabic)", "الاسم"],
    "family_name_original": ["family_name_original", "surname (arabic)", "الكنية"],
    "sex": ["sex", "gender", "cinsiyet"],
    "date_of_birth": ["date_of_birth", "date of birth", "dob", "birth date", "dogum tarihi"],
    "nationality": ["nationality", "uyruk", "citizenship"],
    "phone": ["phone", "telephone", "mobile", "telefon", "gsm"],
    "document_number": [
        "document_number",
        "document number",
        "id number",
        "kimlik no",
        "yabanci kimlik no",
        "ykn",
    ],
}
LABELS = {
    "id": gettext_lazy("Their reference (kept in the report)"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "father_name": gettext_lazy("Father's given name"),
    "mother_name": gettext_lazy("Mother's given name"),
    "given_name_original": gettext_lazy("Given name (original script)"),
    "family_name_original": gettext_lazy("Family name (original script)"),
    "sex": gettext_lazy("Sex"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "nationality": gettext_lazy("Nationality"),
    "phone": gettext_lazy("Phone"),
    "document_number": gettext_lazy("Identity document number"),
}
MAX_ROWS = 20000
PROGRESS_EVERY = 100


def read_table(data: bytes, filename: str):
    """(headers, rows as lists of strings) from CSV or XLSX bytes."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # noqa: BLE001 (any unreadable workbook is the same to a user)
            raise ValidationError(_("This is not a readable XLSX file.")) from exc
        table = [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("Save the file as CSV in UTF-8 and try again.")) from exc
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        table = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    table = [row for row in table if any(row)]
    if not table:
        raise ValidationError(_("The file is empty."))
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("At most %(n)s rows at a time; split the file.") % {"n": MAX_ROWS})
    return table[0], table[1:]


def suggest_mapping(headers):
    """{column index: Kopru field} for the headers that say what they are."""
    mapping = {}
    for i, header in enumerate(headers):
        name = fold(header).replace("_", " ")
        for target, names in FIELDS.items():
            if target not in mapping.values() and name in {
                fold(n).replace("_", " ") for n in names
            }:
                mapping[i] = target
                break
    return mapping


@dataclass
class RowResult:
    number: int  # row number in the file, counting the header as 1
    their_id: str
    display: str = ""  # the name as the file has it
    person: object = None
    documents: list = field(default_factory=list)
    phones: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    matches: list = field(default_factory=list)  # (person, probability)

    @property
    def likely_registered(self):
        return bool(self.matches) and self.matches[0][1] >= 0.9


def _draft(actor, mission, values, defaults):
    born, precision = parse_date(values.get("date_of_birth", ""))
    person = services.new_person(
        mission,
        given_name=values.get("given_name", ""),
        family_name=values.get("family_name", ""),
        father_name=values.get("father_name", ""),
        mother_name=values.get("mother_name", ""),
        given_name_original=values.get("given_name_original", ""),
        family_name_original=values.get("family_name_original", ""),
        sex=validation.read_sex(values.get("sex")) or defaults.get("sex", ""),
        birth_date=born,
        birth_date_precision=precision,
        nationality=values.get("nationality", "") or defaults.get("nationality", ""),
        population_group=defaults["population_group"],
        location=defaults["location"],
    )
    documents = (
        [
            {
                "kind": defaults.get("document_kind", "tr_foreigner_id"),
                "number": values["document_number"],
            }
        ]
        if values.get("document_number")
        else []
    )
    phones = [{"number": values["phone"]}] if values.get("phone") else []
    return person, documents, phones, values.get("date_of_birth") and born is None


def _label(key):
    """The column a service error is about: "phones.0" is the phone column."""
    base = key.split(".")[0]
    return LABELS.get(
        {"phones": "phone", "documents": "document_number", "birth_date": "date_of_birth"}.get(
            base, base
        ),
        key,
    )


def preview(actor, mission, rows, mapping, defaults, *, match=True, progress=None):
    """Check every row as a registration would be checked, and (with `match`) look for each
    person in the registry. Nothing is written. `progress(rows done)` is called now and then."""
    results, seen_docs = [], {}
    for n, row in enumerate(rows, start=2):
        if progress and n % PROGRESS_EVERY == 0:
            progress(n - 2)
        values = {target: row[i] for i, target in mapping.items() if i < len(row)}
        result = RowResult(
            number=n,
            their_id=values.get("id", ""),
            display=" ".join(filter(None, [values.get("given_name"), values.get("family_name")])),
        )
        person, documents, phones, bad_date = _draft(actor, mission, values, defaults)
        try:
            if bad_date:
                raise ValidationError(
                    {
                        "date_of_birth": _("Unreadable date: %(value)s.")
                        % {"value": values["date_of_birth"]}
                    }
                )
            docs, tel = services.check_registration(actor, person, documents, phones)
        except ValidationError as exc:
            result.errors = [
                f"{_label(k)}: {m}" if k != "__all__" else m
                for k, msgs in exc.message_dict.items()
                for m in msgs
            ]
        except PermissionDenied as exc:
            result.errors = [str(exc)]
        else:
            result.person, result.documents, result.phones = person, documents, phones
            for d in docs:  # the same document twice in one file is one person twice
                key = (d["kind"], d["number_normalised"])
                if key in seen_docs:
                    result.errors.append(
                        _("Same document as row %(row)s.") % {"row": seen_docs[key]}
                    )
                seen_docs.setdefault(key, n)
            if not match:
                results.append(result)
                continue
            draft = {
                **values,
                "birth_date": person.birth_date,
                "birth_date_precision": person.birth_date_precision,
                "sex": person.sex,
                "nationality": person.nationality,
                "documents": [(d["kind"], d["number_normalised"]) for d in docs],
                "phones": [p["e164"] for p in tel],
            }
            result.matches = [
                (p, prob) for p, prob, _parts, _vis in check(actor, mission, draft, limit=3)
            ]
        results.append(result)
    return results


def commit(actor, mission, rows, mapping, defaults, *, skip=(), batch=None, request=None):
    """Register every row not in `skip` (row numbers), or none if any row is wrong. `batch`,
    the staged upload the rows came from, is named in the audit entry."""
    # The rows are checked again (the registry may have changed since the preview), but the
    # duplicate search is the preview's: the clerk chose what to skip from it.
    results = preview(actor, mission, rows, mapping, defaults, match=False)
    wrong = [r for r in results if r.errors and r.number not in skip]
    if wrong:
        raise ValidationError(
            [
                _("Row %(row)s: %(errors)s") % {"row": r.number, "errors": "; ".join(r.errors)}
                for r in wrong[:50]
            ]
        )
    created = []
    with transaction.atomic():
        for r in results:
            if r.number in skip:
                continue
            created.append(
                services.register_person(
                    actor, r.person, documents=r.documents, phones=r.phones, request=request
                )
            )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            object_type="registry.import",
            object_repr=f"{len(created)} people imported",
            mission=mission,
            request=request,
            object_id=str(batch.pk) if batch else "",
            details={
                "rows": len(rows),
                "skipped": sorted(skip),
                **({"file": batch.filename} if batch else {}),
            },
        )
    return created


# --- A staged upload (the Import pages) -----------------------------------------------------


def stage(actor, mission, *, filename, data, location, population_group, request=None):
    """Keep an uploaded list until its mapping is checked and it is committed; its rows are
    checked in the background."""
    from kopru.core import access

    from .models import ImportBatch, PopulationGroup

    access.require(actor, "registry.register")
    if not access.in_mission(actor, mission) or not access.can_see_location(actor, location):
        raise PermissionDenied(_("This place is outside your teams' locations."))
    if population_group not in PopulationGroup.values:
        raise ValidationError({"population_group": _("Choose a population group.")})
    read_table(data, filename)  # refuse what cannot be read before keeping it
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            mission=mission,
            uploaded_by=actor,
            filename=filename[:200],
            data=data,
            location=location,
            population_group=population_group,
        )
        audit.record(actor, AuditEvent.Action.CREATE, batch, request=request, mission=mission)
        request_check(batch)
    return batch


def set_mapping(actor, batch, mapping):
    """{column index: Kopru field}; unknown fields are dropped. The rows are checked again."""
    with transaction.atomic():
        batch.mapping = {str(i): f for i, f in mapping.items() if f in FIELDS}
        batch.save(update_fields=["mapping"])
        request_check(batch)
    return batch


def mapping_of(batch, headers):
    if batch.mapping:
        return {int(k): v for k, v in batch.mapping.items()}
    return suggest_mapping(headers)


def _defaults(batch):
    return {"location": batch.location, "population_group": batch.population_group}


def request_check(batch):
    """Queue the check of every row (after the surrounding transaction commits)."""
    from .tasks import check_import

    _headers, rows = read_table(bytes(batch.data), batch.filename)
    batch.status, batch.rows, batch.progress = batch.Status.CHECKING, len(rows), 0
    batch.results, batch.problem = [], ""
    batch.save(update_fields=["status", "rows", "progress", "results", "problem"])
    transaction.on_commit(lambda: check_import.enqueue(batch.pk))


def run_check(batch_id):
    """The background task: check every row, keep what the preview page shows."""
    from .models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != batch.Status.CHECKING:
        return 0
    headers, rows = read_table(bytes(batch.data), batch.filename)
    mapping = mapping_of(batch, headers)

    def progress(done):
        ImportBatch.objects.filter(pk=batch.pk).update(progress=done)

    results = preview(
        batch.uploaded_by, batch.mission, rows, mapping, _defaults(batch), progress=progress
    )
    # A mapping changed while this ran has queued its own check; this one is stale.
    with transaction.atomic():
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.mapping != batch.mapping or current.status != batch.Status.CHECKING:
            return 0
        current.results = [_row_summary(r) for r in results]
        current.status, current.progress = batch.Status.CHECKED, len(rows)
        current.save(update_fields=["results", "status", "progress"])
    return len(rows)


def _row_summary(r: RowResult):
    return {
        "number": r.number,
        "their_id": r.their_id,
        "display": r.display,
        "birth_date": r.person.birth_date.isoformat() if r.person and r.person.birth_date else "",
        "precision": r.person.birth_date_precision if r.person else "",
        "errors": [str(e) for e in r.errors],
        "matches": [[p.pk, round(prob, 3)] for p, prob in r.matches],
        "likely_registered": r.likely_registered,
    }


def request_commit(actor, batch, *, skip=(), request=None):
    """Queue the import of every row not skipped (all of them or none)."""
    from kopru.core import access

    from .tasks import commit_import

    access.require(actor, "registry.register")
    if batch.status != batch.Status.CHECKED:
        raise ValidationError(_("Wait until every row is checked."))
    with transaction.atomic():
        batch.status, batch.problem = batch.Status.IMPORTING, ""
        batch.save(update_fields=["status", "problem"])
        skip = sorted(skip)
        transaction.on_commit(lambda: commit_import.enqueue(batch.pk, actor.pk, skip))


def run_commit(batch_id, actor_id, skip):
    """The background task: import the list as `actor`, or say why not and change nothing."""
    from kopru.core.models import User

    from .models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != batch.Status.IMPORTING:
        return 0
    try:
        created = commit_batch(User.objects.get(pk=actor_id), batch, skip=set(skip))
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        batch.status, batch.problem = batch.Status.CHECKED, "\n".join(messages[:20])
        batch.save(update_fields=["status", "problem"])
        return 0
    return len(created)


def commit_batch(actor, batch, *, skip=(), request=None):
    """Import a staged list (all rows not skipped, or none) and drop the file it came in."""
    headers, rows = read_table(bytes(batch.data), batch.filename)
    with transaction.atomic():
        created = commit(
            actor,
            batch.mission,
            rows,
            mapping_of(batch, headers),
            _defaults(batch),
            skip=skip,
            batch=batch,
            request=request,
        )
        batch.imported, batch.data = len(created), b""
        batch.skipped = sum(1 for n in skip if 2 <= n <= len(rows) + 1)  # row 1 is the header
        batch.status, batch.results = batch.Status.IMPORTED, []
        batch.save(update_fields=["imported", "data", "skipped", "status", "results"])
    return created
