"""The reporting projection of the ledger, and indicators.

`Reach` and `Tally` are derived from service events (reporting.projection keeps them current in
the same transaction as every write, and `manage.py rebuild_reporting` rebuilds them). Reports
read them and never the programme tables."""

from django.db import models

from kopru.core.models import Location, Mission
from kopru.services.models import ServiceEvent, ServiceType

# Codes of the small columns, in the order reports list them.
SEXES = ["female", "male", "other"]
AGE_BANDS = ["0-4", "5-11", "12-17", "18-59", "60+"]
AGE_UNKNOWN = 9


class Reach(models.Model):
    """One registered person reached by one live service event (and one of its projects):
    served directly, as a participant of a group session, or as a member of a household served.

    Person attributes are copied as they were on the day of the service (age band, household) or
    as they are now (sex, population group, disability); projection refreshes them when the
    person's record changes or is merged (rows then name the surviving record), so counting distinct
    `person_id` after a merge counts the person once."""

    event = models.ForeignKey(ServiceEvent, on_delete=models.CASCADE, related_name="+")
    # Plain numbers, not foreign keys: a merge in the registry moves every foreign key to a
    # person, and these rows are re-projected instead (projection.refresh_people).
    person_id = models.PositiveIntegerField(db_index=True)
    household_id = models.PositiveIntegerField(null=True)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()  # in the mission's time zone
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    project_id = models.PositiveIntegerField(default=0)  # 0: the event names no project
    # True on one row per event and person (its first project's): totals read these rows only.
    main_row = models.BooleanField(default=True)
    sex = models.PositiveSmallIntegerField()  # index in SEXES
    age_band = models.PositiveSmallIntegerField()  # index in AGE_BANDS, AGE_UNKNOWN
    population_group = models.PositiveSmallIntegerField()  # index in PopulationGroup.values
    disability = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["mission", "day"], name="reach_mission_day")]

    def __str__(self):
        return f"{self.person_id} @ {self.event_id}"


class Tally(models.Model):
    """Additive figures per day and per month: services delivered, and people counted by
    headcount at group sessions (by sex, age band and disability).

    A row with project 0 counts every event once; a row with a project's id counts that
    project's events, so an event shared by two projects is one service in the total.
    Services rows leave sex and age band empty; headcount rows have services 0."""

    class Grain(models.TextChoices):
        DAY = "D"
        MONTH = "M"

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+", db_index=False)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()  # the day, or the first day of the month
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    project_id = models.PositiveIntegerField(default=0)
    sex = models.CharField(max_length=6, blank=True)
    age_band = models.CharField(max_length=5, blank=True)
    disability = models.BooleanField(default=False)
    services = models.IntegerField(default=0)
    people = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "mission",
                    "grain",
                    "start",
                    "service_type",
                    "location",
                    "project_id",
                    "sex",
                    "age_band",
                    "disability",
                ],
                name="one_tally_cell",
            )
        ]

    def __str__(self):
        return f"{self.grain}{self.start} {self.service_type_id}@{self.location_id}"
