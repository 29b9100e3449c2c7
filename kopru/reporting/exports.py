"""Exports for coordination: the 4W/5W activity table as CSV, HXL-tagged CSV and XLSX.

Who (#org+impl, #org+funding), what (#sector, #subsector, #activity), where (#adm1, #adm2),
when (#date+start, #date+end, #status) and for whom (#reached+ind by sex and age, and by
population group). The same rows in every format; the HXL file only adds the hashtag row
under the headers. Hidden cells of a shared export are empty, never a marker, so a number
column stays numeric for HXL tools; the XLSX carries a note saying so.
"""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopru.core.exports import _cell
from kopru.core.models import Location, Project
from kopru.registry.models import PopulationGroup
from kopru.services.models import ServiceType

from . import disclosure
from .activities import activities
from .engine import GROUP_ORDER, REPORT_GROUPS
from .models import AGE_BANDS, SEXES, UNATTRIBUTED

BANDS = [*AGE_BANDS, "unknown"]
SEX_TAGS = {"female": "+f", "male": "+m", "other": "+sex_other"}
BAND_TAGS = {
    "0-4": "+age0_4",
    "5-11": "+age5_11",
    "12-17": "+age12_17",
    "18-59": "+age18_59",
    "60+": "+age60plus",
    "unknown": "+age_unknown",
}
GROUP_TAGS = {
    "refugee": "+refugees",
    "international_protection": "+intl_protection",
    "migrant": "+migrants",
    "host_community": "+host",
    "not_recorded": "+group_unknown",
}
SEX_NAMES = {
    "female": gettext_lazy("Female"),
    "male": gettext_lazy("Male"),
    "other": gettext_lazy("Other"),
}
GROUP_NAMES = {
    "refugee": gettext_lazy("Refugees (temporary protection)"),
    "international_protection": gettext_lazy("International protection"),
    "migrant": gettext_lazy("Migrants"),
    "host_community": gettext_lazy("Host community"),
    "not_recorded": gettext_lazy("Population group not recorded (headcount)"),
}


@dataclass
class Column:
    key: str
    label: str
    tag: str
    number: bool = False


def columns():
    cols = [
        Column("org", _("Organisation"), "#org+impl"),
        Column("donor", _("Donor"), "#org+funding"),
        Column("project", _("Project"), "#meta+project"),
        Column("sector", _("Sector"), "#sector"),
        Column("sub_sector", _("Sub-sector"), "#subsector"),
        Column("activity", _("Activity"), "#activity"),
        Column("adm1_name", _("Province"), "#adm1+name"),
        Column("adm1_code", _("Province code"), "#adm1+code"),
        Column("adm2_name", _("District"), "#adm2+name"),
        Column("adm2_code", _("District code"), "#adm2+code"),
        Column("start", _("Start date"), "#date+start"),
        Column("end", _("End date"), "#date+end"),
        Column("status", _("Status"), "#status"),
        Column("services", _("Services"), "#output+services", True),
        Column("reached", _("People reached"), "#reached+ind", True),
        Column("registered", _("Unique registered people"), "#reached+ind+registered", True),
        Column("headcount", _("People counted by headcount"), "#reached+ind+headcount", True),
    ]
    for sex in SEXES:
        for band in BANDS:
            label = f"{SEX_NAMES[sex]} {band if band != 'unknown' else _('age unknown')}"
            tag = f"#reached+ind{SEX_TAGS[sex]}{BAND_TAGS[band]}"
            cols.append(Column(f"{sex}:{band}", label, tag, True))
    for group in [*GROUP_ORDER, "not_recorded"]:
        cols.append(
            Column(
                f"group:{group}", str(GROUP_NAMES[group]), f"#reached+ind{GROUP_TAGS[group]}", True
            )
        )
    return cols


# Column families that add up to the row's people reached: each is protected with that total.
def _families():
    return [
        ["registered", "headcount"],
        [f"{sex}:{band}" for sex in SEXES for band in BANDS],
        [f"group:{g}" for g in [*GROUP_ORDER, "not_recorded"]],
    ]


@dataclass
class Table:
    columns: list
    rows: list  # dicts keyed by column key
    hidden: set = field(default_factory=set)  # (row index, column key)
    threshold: int = 0

    def value(self, i, key):
        return None if (i, key) in self.hidden else self.rows[i].get(key)


def build(scope, period, *, shared=False, threshold=None) -> Table:
    found = activities(scope)
    types = {
        t.pk: t
        for t in ServiceType.objects.filter(mission=scope.mission).select_related(
            "sub_sector__sector"
        )
    }
    places = {p.pk: p for p in Location.objects.filter(mission=scope.mission)}
    projects = {
        p.pk: p for p in Project.objects.filter(mission=scope.mission).select_related("donor")
    }
    groups = PopulationGroup.values
    organisation = settings.KOPRU_ORGANISATION
    rows = []
    for a in found:
        service_type = types[a.service_type]
        place = places.get(a.place)
        province = place if place and place.level == Location.Level.PROVINCE else None
        district = place if place and place.level == Location.Level.DISTRICT else None
        if district is not None:
            province = places.get(district.parent_id)
        project = projects.get(a.project) if a.project != UNATTRIBUTED else None
        row = {
            "org": organisation,
            "donor": project.donor.name if project else "",
            "project": f"{project.code} {project.name}" if project else "",
            "sector": str(service_type.sub_sector.sector),
            "sub_sector": str(service_type.sub_sector),
            "activity": str(service_type),
            "adm1_name": province.name if province else "",
            "adm1_code": province.pcode if province else "",
            "adm2_name": district.name if district else "",
            "adm2_code": district.pcode if district else "",
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "status": str(
                _("Ongoing") if project is None or project.end_date > period.end else _("Completed")
            ),
            "services": a.services,
            "reached": a.reached,
            "registered": a.registered,
            "headcount": a.headcount,
        }
        for sex in SEXES:
            for band in BANDS:
                row[f"{sex}:{band}"] = a.cells.get((sex, band), 0)
        by_group = dict.fromkeys([*GROUP_ORDER, "not_recorded"], 0)
        for index, n in a.groups.items():
            by_group[REPORT_GROUPS.get(groups[index], "migrant")] += n
        by_group["not_recorded"] = a.headcount
        row.update({f"group:{g}": n for g, n in by_group.items()})
        rows.append(row)
    rows.sort(
        key=lambda r: (r["adm1_name"], r["adm2_name"], r["sector"], r["activity"], r["project"])
    )
    table = Table(columns(), rows)
    if shared:
        table.threshold = threshold or settings.KOPRU_DISCLOSURE_THRESHOLD
        table.hidden = protect(rows, table.threshold)
    return table


def protect(rows, threshold):
    """Hide small people counts of the rows so that none can be worked out from the rest:
    each family of columns with the row's people reached as its total, and the column totals
    counted as published (the shared report publishes them)."""
    forced = set()
    while True:
        hidden = set()
        for family in _families():
            cells = {(i, key): row[key] for i, row in enumerate(rows) for key in family}
            for i, row in enumerate(rows):
                cells[(i, disclosure.TOTAL)] = row["reached"]
            found = disclosure.protect(
                {k: v for k, v in cells.items() if k[1] != disclosure.TOTAL},
                threshold,
                force={(i, disclosure.TOTAL) for i in forced},
            )
            for i, key in found:
                if i == disclosure.TOTAL:
                    continue
                hidden.add((i, "reached" if key == disclosure.TOTAL else key))
        totals = {i for i, key in hidden if key == "reached"}
        if totals <= forced:
            return hidden
        forced |= totals


def notes(table, scope, period):
    from django.utils import timezone

    from .report import data_source

    lines = [
        _("Who, what, where, when and for whom (5W): %(mission)s, %(period)s.")
        % {"mission": scope.mission, "period": period.label},
        data_source(scope.mission, period, timezone.now()),
        _(
            "One row per project, activity and district. People are counted once per row: "
            "someone served by two activities is in both rows, so rows do not add up to the "
            "people reached overall (the quarterly report gives that figure)."
        ),
        _(
            "People counted by headcount at group sessions are not registered and may have "
            "been counted more than once; their population group is not recorded."
        ),
    ]
    if table.threshold:
        lines.append(
            _(
                "Shared outside the mission: counts of people below %(n)s are left empty, and "
                "some larger counts too, so that a hidden count cannot be worked out from the "
                "others."
            )
            % {"n": table.threshold}
        )
    return lines


def write_csv(table, *, hxl=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.label for c in table.columns])
    if hxl:
        writer.writerow([c.tag for c in table.columns])
    for i, _row in enumerate(table.rows):
        writer.writerow(
            [
                "" if (v := table.value(i, c.key)) is None else (v if c.number else _cell(v))
                for c in table.columns
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(table, notes) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "5W"
    sheet.append([c.label for c in table.columns])
    sheet.append([c.tag for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i in range(len(table.rows)):
        sheet.append(
            [
                v if c.number or v is None else _cell(v)
                for c in table.columns
                for v in [table.value(i, c.key)]
            ]
        )
    sheet.freeze_panes = "A3"
    about = book.create_sheet(_("About"))
    for line in notes:
        about.append([line])
    about.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
