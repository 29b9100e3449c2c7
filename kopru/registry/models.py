"""People and households: the only places a human being is stored (ARCHITECTURE.md)."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, User


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / not stated")


class DatePrecision(models.TextChoices):
    EXACT = "exact", _("Exact date")
    MONTH = "month", _("Month and year")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated")


class PopulationGroup(models.TextChoices):
    TEMPORARY_PROTECTION = "temporary_protection", _("Temporary protection")
    IP_APPLICANT = "ip_applicant", _("International protection applicant")
    IP_HOLDER = "ip_holder", _("International protection holder")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    IRREGULAR = "irregular", _("Irregular migrant")
    HOST_COMMUNITY = "host_community", _("Host community")
    OTHER = "other", _("Other")


class WGAnswer(models.IntegerChoices):
    """Washington Group Short Set answer levels."""

    NO_DIFFICULTY = 1, _("No difficulty")
    SOME = 2, _("Some difficulty")
    A_LOT = 3, _("A lot of difficulty")
    CANNOT = 4, _("Cannot do at all")


WG_DOMAINS = [
    "wg_seeing",
    "wg_hearing",
    "wg_mobility",
    "wg_cognition",
    "wg_self_care",
    "wg_communication",
]


class Person(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="people")
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    # Latin forms (searchable, printable) and the original script as written by the person.
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    father_name = models.CharField(_("father's given name"), max_length=100, blank=True)
    mother_name = models.CharField(_("mother's given name"), max_length=100, blank=True)
    given_name_original = models.CharField(
        _("given name (original script)"), max_length=100, blank=True
    )
    family_name_original = models.CharField(
        _("family name (original script)"), max_length=100, blank=True
    )
    father_name_original = models.CharField(
        _("father's name (original script)"), max_length=100, blank=True
    )
    mother_name_original = models.CharField(
        _("mother's name (original script)"), max_length=100, blank=True
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("precision"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.EXACT
    )
    nationality = models.CharField(
        _("nationality"),
        max_length=3,
        blank=True,
        help_text=_("ISO 3166-1 alpha-3; STA for stateless"),
    )
    birth_country = models.CharField(_("country of birth"), max_length=3, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    interpreter_language = models.CharField(
        _("preferred interpreter language"), max_length=3, blank=True
    )
    population_group = models.CharField(
        _("population group"), max_length=24, choices=PopulationGroup.choices
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("district or site"),
    )
    neighbourhood = models.CharField(_("neighbourhood"), max_length=100, blank=True)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    wg_seeing = models.PositiveSmallIntegerField(
        _("seeing"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_hearing = models.PositiveSmallIntegerField(
        _("hearing"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_mobility = models.PositiveSmallIntegerField(
        _("walking or climbing steps"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_cognition = models.PositiveSmallIntegerField(
        _("remembering or concentrating"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_self_care = models.PositiveSmallIntegerField(
        _("self-care"), choices=WGAnswer.choices, null=True, blank=True
    )
    wg_communication = models.PositiveSmallIntegerField(
        _("communicating"), choices=WGAnswer.choices, null=True, blank=True
    )
    # Derived from the six answers (Washington Group cut-off); stored so reports can filter.
    has_disability = models.BooleanField(_("disability"), default=False, editable=False)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    # A merged record stays as an alias that resolves to the surviving one.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="aliases"
    )
    registered_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        indexes = [models.Index(fields=["mission", "birth_date"])]

    def __str__(self):
        return f"{self.given_name} {self.family_name}".strip()

    def get_absolute_url(self):
        return reverse("registry:person_detail", args=[self.pk])

    @property
    def age(self):
        from datetime import date

        if not self.birth_date:
            return None
        today = date.today()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    @property
    def wg_answers(self):
        return {d: getattr(self, d) for d in WG_DOMAINS}


class IdentityDocument(models.Model):
    class Kind(models.TextChoices):
        TR_FOREIGNER_ID = "tr_foreigner_id", _("Turkish foreigner identity number (99…)")
        TR_CITIZEN_ID = "tr_citizen_id", _("Turkish citizen identity number")
        UNHCR_CASE = "unhcr_case", _("UNHCR / registration case number")
        PASSPORT = "passport", _("Passport")
        RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
        OTHER = "other", _("Other document")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=40)
    # Upper-case, no spaces or dashes: what searches and duplicate checks compare.
    number_normalised = models.CharField(max_length=40, db_index=True, editable=False)
    issuing_country = models.CharField(_("issuing country"), max_length=3, blank=True)
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def as_dict(self):
        """As the services, forms and API take a document."""
        return {
            "kind": self.kind,
            "number": self.number,
            "issuing_country": self.issuing_country,
            "issued_on": self.issued_on,
            "expires_on": self.expires_on,
        }


class Phone(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    e164 = models.CharField(_("phone"), max_length=20, db_index=True)
    label = models.CharField(_("label"), max_length=40, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.e164


class NameKey(models.Model):
    """Search keys of a person's names: folded spelling, phonetic skeleton, name group.

    Rebuilt on every save by services; one indexed lookup finds "Mehmet" from "محمد"."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=60, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="namekey_unique")]

    def __str__(self):
        return self.key


class PairKey(models.Model):
    """A given name paired with a family or father's name (names.pair_keys), beside the birth
    year: the blocking keys of the duplicate check while registering.

    Rebuilt with the name keys. The index holds every column the check reads, so "Muhammad
    Al-Hassan, born around 1990" is one short index range even with a million people."""

    UNKNOWN_YEAR = 0

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="pair_keys")
    key = models.BigIntegerField()
    birth_year = models.PositiveSmallIntegerField(default=UNKNOWN_YEAR)

    class Meta:
        indexes = [
            models.Index(fields=["key", "birth_year", "person"], name="pairkey_lookup"),
        ]

    def __str__(self):
        return f"{self.key}/{self.birth_year}"


class Photo(models.Model):
    """A person's photograph, optional and sensitive: taken only with the person's consent,
    seen only by roles holding registry.view_photos, every view audited, erased when the
    consent is withdrawn.

    Held in the database, not as a file: no web server path can serve it, it is backed up
    and restored with the record, and it goes when the row goes. photos.normalise re-encodes
    every upload as a small JPEG without metadata (a phone's GPS position stays behind)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="photos")
    image = models.BinaryField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("photograph")

    def __str__(self):
        return f"{self.person.reference} photo"


class Household(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="households")
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("district or site"),
    )
    neighbourhood = models.CharField(_("neighbourhood"), max_length=100, blank=True)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("household")

    def __str__(self):
        head = self.head
        return f"{self.reference} ({head})" if head else self.reference

    def get_absolute_url(self):
        return reverse("registry:household_detail", args=[self.pk])

    @property
    def current(self):
        return self.memberships.filter(end_date__isnull=True).select_related("person")

    @property
    def head(self):
        m = self.current.filter(relationship=Membership.Relationship.HEAD).first()
        return m.person if m else None

    @property
    def size(self):
        return self.current.count()


class Membership(models.Model):
    """A person's place in a household over time; ended memberships are the history."""

    class Relationship(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse or partner")
        CHILD = "child", _("Son or daughter")
        PARENT = "parent", _("Mother or father")
        SIBLING = "sibling", _("Brother or sister")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        NON_RELATIVE = "non_relative", _("Not related")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(
        _("relationship to the head"), max_length=16, choices=Relationship.choices
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            # One household at a time per person, one head at a time per household.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(end_date__isnull=True),
                name="one_current_household",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(end_date__isnull=True, relationship="head"),
                name="one_current_head",
            ),
        ]

    def __str__(self):
        return f"{self.person} in {self.household.reference}: {self.relationship}"


class ConsentPurpose(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    SERVICE_DELIVERY = "service_delivery", _("Service delivery")
    REFERRAL = "referral", _("Referral to an organisation")
    SHARING_AUTHORITY = "sharing_authority", _("Sharing with an authority")
    PHOTO = "photo", _("Photograph")
    CONTACT = "contact", _("Contact by phone or SMS")


class ConsentEvent(models.Model):
    """One decision a person (or their guardian) made about one use of their data.

    Consent is never a field to overwrite: the current state of a purpose (and recipient) is the
    latest event (kopru.registry.consent)."""

    class Decision(models.TextChoices):
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    recipient = models.CharField(
        _("recipient"),
        max_length=150,
        blank=True,
        help_text=_("The organisation or authority, for referral and sharing."),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(_("language of the text"), max_length=3)
    text_version = models.CharField(_("text version"), max_length=20)
    interpreter = models.CharField(_("interpreter"), max_length=150, blank=True)
    guardian = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_as_guardian",
        verbose_name=_("guardian"),
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=150, blank=True)
    guardian_relationship = models.CharField(
        _("guardian's relationship"), max_length=60, blank=True
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["person", "purpose", "recipient", "at"])]

    def __str__(self):
        return f"{self.person}: {self.purpose} {self.recipient} {self.decision}"


class DuplicateDecision(models.Model):
    """A reviewer's (or clerk's) word on a pair: never proposed again once 'not the same'."""

    class Decision(models.TextChoices):
        NOT_SAME = "not_same", _("Not the same person")
        SAME = "same", _("Same person")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_decision_per_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.person_a_id}~{self.person_b_id}: {self.decision}"


class DedupRun(models.Model):
    """One batch search for duplicates across a mission's registry."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    people = models.PositiveIntegerField(default=0)
    compared = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"dedup {self.mission_id} {self.requested_at:%Y-%m-%d %H:%M}"


class DuplicateCandidate(models.Model):
    """A pair the batch run scored above the threshold, waiting for a reviewer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        MERGED = "merged", _("Merged")
        NOT_SAME = "not_same", _("Not the same person")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(db_index=True)
    parts = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    run = models.ForeignKey(DedupRun, null=True, on_delete=models.SET_NULL, related_name="+")
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_candidate_per_pair"),
        ]

    def __str__(self):
        return f"{self.person_a_id}~{self.person_b_id} {self.score:.2f}"

    @property
    def percent(self):
        """The score as people read it: a model is never 100% sure."""
        return min(99, round(self.score * 100))


class Merge(models.Model):
    """A merge of `merged` into `survivor`, with every link it moved, so it can be undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    merged_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    moved = models.JSONField(default=list)  # [[model label, pk, field], ...]
    ended_memberships = models.JSONField(default=list)  # membership pks closed by the merge
    added_keys = models.JSONField(default=list)  # search keys the survivor took over
    undone_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.merged_id} -> {self.survivor_id}"


class ImportBatch(models.Model):
    """An uploaded list waiting for its mapping and commit. The file is deleted on commit.

    Checking the rows (validation and the duplicate check of each) and importing them run
    as background tasks: a partner's list of 20,000 rows against a registry of a million
    people takes minutes, longer than a web request may."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("checking the rows")
        CHECKED = "checked", _("checked")
        IMPORTING = "importing", _("importing")
        IMPORTED = "imported", _("imported")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    population_group = models.CharField(max_length=24, choices=PopulationGroup.choices)
    mapping = models.JSONField(default=dict, blank=True)  # column index (str) -> field
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CHECKING)
    rows = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0)  # rows checked so far
    # One entry per row: number, their_id, display, birth_date, precision, errors, matches.
    results = models.JSONField(default=list, blank=True)
    problem = models.TextField(blank=True)  # why the last import was refused
    imported = models.PositiveIntegerField(null=True, blank=True)
    skipped = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.filename
