"""Registry pages: find a person, register, view, edit."""

import contextlib
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kopru.core import access, audit, exports
from kopru.core.models import AuditEvent
from kopru.core.views import apply_errors

from . import choices, imports, panels, references, selectors, services, validation
from .consent import state as consent_state
from .forms import DocumentFormSet, PersonForm, PhoneFormSet
from .models import WG_DOMAINS, Person


def person_list(request):
    query = request.GET.get("q", "").strip()
    people = (
        selectors.search(request.user, request.mission, query)
        if query
        else selectors.visible_people(request.user, request.mission).order_by("-registered_at")
    )
    if exports.wants_csv(request):
        return exports.csv_response(
            request,
            "people",
            [
                _("Reference"),
                _("Given name"),
                _("Family name"),
                _("Sex"),
                _("Date of birth"),
                _("Nationality"),
                _("Population group"),
                _("Place"),
            ],
            (
                (
                    p.reference,
                    p.given_name,
                    p.family_name,
                    p.sex,
                    p.birth_date,
                    p.nationality,
                    p.population_group,
                    p.location.name,
                )
                for p in people
            ),
        )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    template = "registry/_person_rows.html" if request.htmx else "registry/person_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "can_register": access.has(request.user, "registry.register"),
        },
    )


def _documents_and_phones(docs, phones):
    return (
        [d for d in docs.cleaned_data if d.get("number")],
        [p for p in phones.cleaned_data if p.get("number")],
    )


def person_register(request):
    person = Person(mission=request.mission)
    return _person_form(request, person, is_new=True)


def person_edit(request, pk):
    person = get_object_or_404(selectors.visible_people(request.user, request.mission), pk=pk)
    return _person_form(request, person, is_new=False)


def _person_form(request, person, *, is_new):
    form = PersonForm(
        request.POST or None, instance=person, user=request.user, mission=request.mission
    )
    initial_docs = [] if is_new else [d.as_dict() for d in person.documents.all()]
    initial_phones = (
        [] if is_new else [{"number": p.e164, "label": p.label} for p in person.phones.all()]
    )
    docs = DocumentFormSet(request.POST or None, prefix="doc", initial=initial_docs)
    phones = PhoneFormSet(request.POST or None, prefix="phone", initial=initial_phones)
    if request.method == "POST" and all(f.is_valid() for f in (form, docs, phones)):
        documents, phone_list = _documents_and_phones(docs, phones)
        person = form.save(commit=False)
        if is_new and request.POST.get("uid"):
            person.uid = request.POST["uid"]
        try:
            if is_new:
                person = services.register_person(
                    request.user,
                    person,
                    documents=documents,
                    phones=phone_list,
                    not_duplicates=[
                        int(p) for p in request.POST.getlist("not_same") if p.isdigit()
                    ],
                    request=request,
                )
                messages.success(
                    request,
                    _("Registered %(name)s as %(reference)s.")
                    % {"name": person, "reference": person.reference},
                )
            else:
                services.update_person(
                    request.user, person, documents=documents, phones=phone_list, request=request
                )
                messages.success(request, _("Saved."))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(person.get_absolute_url())
    import uuid

    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "docs": docs,
            "phones": phones,
            "person": person,
            "is_new": is_new,
            "uid": request.POST.get("uid") or uuid.uuid4(),
            "sections": [
                (
                    _("Names"),
                    _(
                        "Write each name in Latin letters, and as the person writes it in "
                        "their own script."
                    ),
                    "col-md-3",
                    [
                        form[f]
                        for f in (
                            "given_name",
                            "family_name",
                            "father_name",
                            "mother_name",
                            "given_name_original",
                            "family_name_original",
                            "father_name_original",
                            "mother_name_original",
                        )
                    ],
                ),
                (
                    _("Birth and origin"),
                    "",
                    "col-md-4",
                    [
                        form[f]
                        for f in (
                            "sex",
                            "birth_date",
                            "birth_date_precision",
                            "nationality",
                            "birth_country",
                            "birth_place",
                        )
                    ],
                ),
                (
                    _("Status, languages and address"),
                    "",
                    "col-md-4",
                    [
                        form[f]
                        for f in (
                            "population_group",
                            "languages",
                            "interpreter_language",
                            "location",
                            "neighbourhood",
                            "address",
                        )
                    ],
                ),
            ],
            "wg_fields": [form[f] for f in WG_DOMAINS],
        },
    )


def _photo_panel(user, person):
    """What the person page says about the photograph, without loading the image: the image
    is fetched (and its view audited) only by the <img> of someone allowed to see it."""
    from . import consent
    from .models import ConsentPurpose, Photo

    if not access.has(user, "registry.view_photos"):
        return None
    return {
        "exists": Photo.objects.filter(person=person).exists(),
        "consent": consent.allows(person, ConsentPurpose.PHOTO),
        "can_take": access.has(user, "registry.register"),
    }


def person_detail(request, pk):
    person = get_object_or_404(
        Person.objects.filter(mission=request.mission).select_related("merged_into"), pk=pk
    )
    if person.merged_into_id:  # an alias still resolves to the surviving record
        return redirect(person.merged_into.get_absolute_url())
    person = get_object_or_404(selectors.visible_people(request.user, request.mission), pk=pk)
    flags = [
        f for f in choices.vulnerabilities_for(request.user) if f["code"] in person.vulnerabilities
    ]
    sensitive = sorted({f["category"] for f in flags} - {"general"})
    for category in sensitive:
        audit.record(
            request.user,
            AuditEvent.Action.VIEW,
            person,
            request=request,
            category=category,
            details={"fields": ["vulnerabilities"]},
        )
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "flags": flags,
            "nationality": choices.country_name(person.nationality),
            "birth_country": choices.country_name(person.birth_country),
            "spoken_languages": [choices.language_name(c) for c in person.languages],
            "interpreter_language": choices.language_name(person.interpreter_language),
            "can_edit": access.has(request.user, "registry.register"),
            "actions": panels.actions(panels.PERSON_ACTIONS, request.user, person),
            "notes": panels.actions(panels.PERSON_NOTES, request.user, person),
            "photo": _photo_panel(request.user, person),
            "consents": sorted(
                consent_state(person).values(), key=lambda e: (e.purpose, e.recipient)
            ),
            "consent_history": person.consents.select_related("recorded_by").order_by("-at"),
            "merges": person.merges_in.select_related("merged").order_by("-merged_at"),
            "can_merge": access.has(request.user, "registry.merge"),
            "memberships": person.memberships.select_related("household").order_by(
                "-start_date", "-id"
            ),
            "wg": [
                (person._meta.get_field(d).verbose_name, getattr(person, f"get_{d}_display")())
                for d in person.wg_answers
                if getattr(person, d)
            ],
        },
    )


# --- Photographs ---------------------------------------------------------------------------


def photo(request, pk):
    """The image itself: never cached, each fetch audited by services.view_photo."""
    from django.http import Http404, HttpResponse

    person = get_object_or_404(selectors.visible_people(request.user, request.mission), pk=pk)
    found = services.view_photo(request.user, person, request=request)
    if found is None:
        raise Http404
    response = HttpResponse(bytes(found.image), content_type="image/jpeg")
    response["Cache-Control"] = "no-store, private"
    response["Content-Disposition"] = "inline"
    return response


@require_POST
def photo_upload(request, pk):
    person = get_object_or_404(selectors.visible_people(request.user, request.mission), pk=pk)
    upload = request.FILES.get("photo")
    try:
        services.set_photo(request.user, person, upload.read() if upload else b"", request=request)
    except ValidationError as exc:
        for message in exc.message_dict.get("photo", exc.messages):
            messages.error(request, message)
    else:
        messages.success(request, _("Photograph saved."))
    return redirect(person.get_absolute_url())


@require_POST
def photo_remove(request, pk):
    person = get_object_or_404(selectors.visible_people(request.user, request.mission), pk=pk)
    services.remove_photo(request.user, person, request=request)
    messages.success(request, _("Photograph removed."))
    return redirect(person.get_absolute_url())


# --- Households -----------------------------------------------------------------------------


def visible_households(request):
    return selectors.visible_households(request.user, request.mission)


@require_POST
def household_create(request, person_pk):
    from .models import Household

    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=person_pk
    )
    household = Household(
        mission=person.mission,
        location=person.location,
        neighbourhood=person.neighbourhood,
        address=person.address,
    )
    try:
        household = services.create_household(request.user, household, head=person, request=request)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return redirect(person.get_absolute_url())
    messages.success(
        request, _("Household %(reference)s created.") % {"reference": household.reference}
    )
    return redirect(household.get_absolute_url())


def household_detail(request, pk):
    from .models import Membership

    household = get_object_or_404(visible_households(request), pk=pk)
    error = None
    if request.method == "POST" and request.POST.get("new_head"):
        if not access.has(request.user, "registry.register"):
            raise PermissionDenied
        new_head = request.POST["new_head"]
        member = (
            household.current.filter(person_id=new_head).first() if new_head.isdigit() else None
        )
        try:
            if member is None:
                raise ValidationError(_("Only a current member can become the head."))
            services.change_head(
                request.user,
                household,
                member.person,
                former_head_becomes=request.POST.get("former_head_becomes", ""),
                request=request,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(person)s is now the head of the household.") % {"person": member.person},
            )
            return redirect(household.get_absolute_url())
    elif request.method == "POST":
        if not access.has(request.user, "registry.register"):
            raise PermissionDenied
        ref = references.normalise(request.POST.get("reference", ""))
        person = (
            selectors.visible_people(request.user, request.mission).filter(reference=ref).first()
            if ref
            else None
        )
        if person is None:
            error = _("No one with that reference in your locations.")
        else:
            try:
                services.add_member(
                    request.user,
                    household,
                    person,
                    request.POST.get("relationship", ""),
                    request=request,
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("%(person)s added.") % {"person": person})
                return redirect(household.get_absolute_url())
    history = household.memberships.select_related("person").order_by("-start_date", "-id")
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "current": household.current,
            "history": [m for m in history if m.end_date],
            "relationships": Membership.Relationship.choices,
            "error": error,
            "can_edit": access.has(request.user, "registry.register"),
            "actions": panels.actions(panels.HOUSEHOLD_ACTIONS, request.user, household),
        },
    )


@require_POST
def membership_end(request, pk):
    from .models import Membership

    membership = get_object_or_404(
        Membership.objects.filter(household__in=visible_households(request)), pk=pk
    )
    try:
        services.end_membership(
            request.user, membership, reason=request.POST.get("reason", ""), request=request
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect(membership.household.get_absolute_url())


# --- Consent --------------------------------------------------------------------------------


def consent_record(request, pk):
    from . import consent
    from .forms import ConsentForm

    person = get_object_or_404(selectors.visible_people(request.user, request.mission), pk=pk)
    form = ConsentForm(
        request.POST or None,
        initial={
            "purpose": request.GET.get("purpose", "registration"),
            "language": request.GET.get("language", "tr"),
            "recipient": request.GET.get("recipient", ""),
            # No decision is pre-selected: consent is what the person says, never a default.
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guardian = None
        if data["guardian_reference"]:
            ref = references.normalise(data["guardian_reference"])
            guardian = (
                selectors.visible_people(request.user, request.mission)
                .filter(reference=ref)
                .first()
                if ref
                else None
            )
            if guardian is None:
                form.add_error(
                    "guardian_reference", _("No one with that reference in your locations.")
                )
        if not form.errors:
            try:
                services.record_consent(
                    request.user,
                    person,
                    purpose=data["purpose"],
                    decision=data["decision"],
                    language=data["language"],
                    recipient=data["recipient"],
                    interpreter=data["interpreter"],
                    guardian=guardian,
                    guardian_name=data["guardian_name"],
                    guardian_relationship=data["guardian_relationship"],
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Consent recorded."))
                return redirect(person.get_absolute_url())
    values = form.data if form.is_bound else {**form.initial, **request.GET.dict()}
    purpose = values.get("purpose") or "registration"
    language = values.get("language") or "tr"
    return render(
        request,
        "registry/consent_form.html",
        {
            "person": person,
            "form": form,
            "minor": consent.is_minor(person),
            "text": consent.text(purpose, language, values.get("recipient", "")),
            "text_language": language,
            "version": consent.version(),
        },
    )


# --- The duplicate check while registering --------------------------------------------------


FIELD_LABELS = {
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "father_name": gettext_lazy("Father's given name"),
    "mother_name": gettext_lazy("Mother's given name"),
    "birth_date": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "nationality": gettext_lazy("Nationality"),
    "documents": gettext_lazy("Identity documents"),
    "phones": gettext_lazy("Phones"),
}


LEVELS = {
    "exact": gettext_lazy("identical"),
    "same": gettext_lazy("same name, other spelling"),
    "close": gettext_lazy("close spelling"),
    "near": gettext_lazy("similar"),
    "differ": gettext_lazy("different"),
    "missing": gettext_lazy("missing on one side"),
    "swapped": gettext_lazy("same date, day and month swapped"),
    "year": gettext_lazy("same year"),
    "year_off": gettext_lazy("same day and month, a year apart"),
}


NAME_FIELDS = {"given_name", "family_name", "father_name", "mother_name"}


def level_label(field, level):
    """How a field compared, in words: "swapped-same" is a name written in the other field."""
    if field not in NAME_FIELDS and level == "same":
        return LEVELS["exact"]  # a sex, nationality, document or phone is simply the same
    prefix, _sep, rest = level.partition("-")
    if prefix == "swapped" and rest:
        return _("given and family names swapped: %(how)s") % {"how": LEVELS.get(rest, rest)}
    if prefix == "father" and rest:
        return _("father's name written as family name: %(how)s") % {"how": LEVELS.get(rest, rest)}
    return LEVELS.get(level, level)


@require_POST
def person_matches(request):
    """Possible existing records for the registration being typed (htmx, POST so that names
    and numbers stay out of URLs and logs)."""
    from .dedup.online import check

    post = request.POST
    try:
        birth_date, implied = validation.read_date(post.get("birth_date")) or (None, "exact")
    except ValidationError:
        birth_date, implied = None, "exact"
    precision = post.get("birth_date_precision") or "exact"
    if implied != "exact" and precision == "exact":
        precision = implied
    # The registration form's own formsets read what is typed so far; a half-typed or broken
    # row is simply not used for matching.
    docs = DocumentFormSet(post, prefix="doc")
    phone_forms = PhoneFormSet(post, prefix="phone")
    documents, phones = [], []
    for d in docs.cleaned_data if docs.is_valid() else []:
        if d.get("kind") and d.get("number"):
            with contextlib.suppress(ValidationError):
                documents.append((d["kind"], validation.normalise_document(d["kind"], d["number"])))
    for ph in phone_forms.cleaned_data if phone_forms.is_valid() else []:
        if ph.get("number"):
            with contextlib.suppress(ValidationError):
                phones.append(validation.normalise_phone(ph["number"]))
    draft = {
        f: post.get(f, "")
        for f in (
            "given_name",
            "given_name_original",
            "family_name",
            "family_name_original",
            "father_name",
            "father_name_original",
            "mother_name",
            "mother_name_original",
            "sex",
        )
    }
    draft.update(
        birth_date=birth_date,
        birth_date_precision=precision,
        nationality=post.get("nationality", ""),
        documents=documents,
        phones=phones,
    )
    exclude = int(post["person"]) if post.get("person", "").isdigit() else None
    matches = check(request.user, request.mission, draft, exclude=exclude)
    rows = [
        {
            "person": person,
            "percent": min(99, round(p * 100)),  # never "100%" sure
            "visible": visible,
            "agree": [FIELD_LABELS[f] for f, level, w in parts if w > 0 and f in FIELD_LABELS],
            "disagree": [FIELD_LABELS[f] for f, level, w in parts if w < 0 and f in FIELD_LABELS],
        }
        for person, p, parts, visible in matches
    ]
    return render(request, "registry/_matches.html", {"rows": rows})


# --- Review of duplicates -------------------------------------------------------------------


def _visible_candidates(request):
    return selectors.visible_candidates(request.user, request.mission)


def duplicate_queue(request):
    from .models import DedupRun, DuplicateCandidate

    if request.method == "POST":
        services.request_duplicate_search(request.user, request.mission, request=request)
        messages.info(request, _("The search is queued; refresh this page in a moment."))
        return redirect("registry:duplicate_queue")
    open_pairs = _visible_candidates(request).filter(status=DuplicateCandidate.Status.OPEN)
    return render(
        request,
        "registry/duplicate_queue.html",
        {
            "page": Paginator(open_pairs.order_by("-score"), 50).get_page(request.GET.get("page")),
            "runs": DedupRun.objects.filter(mission=request.mission)[:3],
        },
    )


def duplicate_review(request, pk):
    candidate = get_object_or_404(_visible_candidates(request), pk=pk)
    if request.method == "POST":
        decision = request.POST.get("decision")
        survivor = {
            str(candidate.person_a_id): candidate.person_a,
            str(candidate.person_b_id): candidate.person_b,
        }.get(request.POST.get("survivor", ""))
        try:
            merged = services.decide_candidate(
                request.user, candidate, decision=decision, survivor=survivor, request=request
            )
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return redirect("registry:duplicate_review", pk=pk)
        if merged:
            messages.success(
                request,
                _("Merged into %(reference)s. You can undo it from that record's page.")
                % {"reference": merged.survivor.reference},
            )
        return redirect("registry:duplicate_queue")
    a, b = candidate.person_a, candidate.person_b

    def shown(p):
        born = p.birth_date.strftime("%d.%m.%Y") if p.birth_date else ""
        return [
            " ".join(filter(None, [p.given_name, p.given_name_original])),
            " ".join(filter(None, [p.family_name, p.family_name_original])),
            " ".join(filter(None, [p.father_name, p.father_name_original])),
            f"{born} ({p.get_birth_date_precision_display()})" if born else "",
            p.get_sex_display(),
            choices.country_name(p.nationality),
        ]

    labels = [
        _("Given name"),
        _("Family name"),
        _("Father's given name"),
        _("Date of birth"),
        _("Sex"),
        _("Nationality"),
    ]
    return render(
        request,
        "registry/duplicate_review.html",
        {
            "c": candidate,
            "rows": list(zip(labels, shown(a), shown(b), strict=True)),
            "parts": [
                (FIELD_LABELS.get(f, f), level_label(f, level), w)
                for f, level, w in candidate.parts
            ],
        },
    )


@require_POST
def merge_undo(request, pk):
    from .merge import undo_merge
    from .models import Merge

    record = get_object_or_404(
        Merge.objects.filter(survivor__in=selectors.visible_people(request.user, request.mission)),
        pk=pk,
    )
    try:
        undo_merge(request.user, record, request=request)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("The merge is undone: both records are as they were."))
    return redirect(record.survivor.get_absolute_url())


# --- Import of lists ------------------------------------------------------------------------


def import_upload(request):
    from .forms import ImportUploadForm

    form = ImportUploadForm(
        request.POST or None, request.FILES or None, user=request.user, mission=request.mission
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.stage(
                request.user,
                request.mission,
                filename=upload.name,
                data=upload.read(),
                location=form.cleaned_data["location"],
                population_group=form.cleaned_data["population_group"],
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                form.add_error("file", exc)
        else:
            return redirect("registry:import_detail", pk=batch.pk)
    return render(request, "registry/import_upload.html", {"form": form})


def import_detail(request, pk):
    from types import SimpleNamespace

    from django.http import HttpResponse

    from .models import ImportBatch

    batch = get_object_or_404(ImportBatch, pk=pk, uploaded_by=request.user, mission=request.mission)
    working = batch.status in (batch.Status.CHECKING, batch.Status.IMPORTING)
    if request.GET.get("progress"):  # the page's poll while a task runs
        if working:
            return render(request, "registry/_import_progress.html", {"batch": batch})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if batch.status == batch.Status.IMPORTED:
        return render(request, "registry/import_detail.html", {"batch": batch})
    headers, rows = imports.read_table(bytes(batch.data), batch.filename)
    if batch.status == batch.Status.CHECKING and not batch.rows:
        imports.request_check(batch)  # uploaded before checks ran in the background
    if request.method == "POST" and "mapping" in request.POST and not working:
        imports.set_mapping(
            request.user, batch, {i: request.POST.get(f"col-{i}") for i in range(len(headers))}
        )
        return redirect("registry:import_detail", pk=batch.pk)
    if request.method == "POST" and "commit" in request.POST:
        skip = {int(n) for n in request.POST.getlist("skip") if n.isdigit()}
        try:
            imports.request_commit(request.user, batch, skip=skip, request=request)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        return redirect("registry:import_detail", pk=batch.pk)
    results = []
    if batch.status == batch.Status.CHECKED:
        pks = {pk for r in batch.results for pk, _prob in r["matches"]}
        people = Person.objects.in_bulk(pks)
        for r in batch.results:
            born = r["birth_date"] and date.fromisoformat(r["birth_date"])
            results.append(
                {
                    **r,
                    "person": SimpleNamespace(birth_date=born, birth_date_precision=r["precision"]),
                    "matches": [(people[pk], prob) for pk, prob in r["matches"] if pk in people],
                }
            )
    return render(
        request,
        "registry/import_detail.html",
        {
            "batch": batch,
            "working": working,
            "headers": list(enumerate(headers)),
            "mapping": imports.mapping_of(batch, headers),
            "fields": [(k, imports.LABELS[k]) for k in imports.FIELDS],
            "results": results,
            "errors": sum(1 for r in results if r["errors"]),
            "matched": sum(1 for r in results if r["matches"] and not r["errors"]),
        },
    )
