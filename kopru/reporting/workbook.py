"""The quarterly report as an XLSX workbook: one sheet per breakdown, the same figures as the
page, numbers as numbers, the data-source line and the notes on the first sheet."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kopru.core.exports import _cell

LINE_FIGURES = ("total", "unique", "headcount", "services")


def _sheet(book, title, header, rows):
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([v if isinstance(v, int | float) or v is None else _cell(v) for v in row])
    sheet.column_dimensions["A"].width = 42
    return sheet


def _lines(lines, *, households=False):
    header = [
        _("Name"),
        _("People reached"),
        _("Unique registered people"),
        _("People counted by headcount"),
        _("Services"),
    ]
    if households:
        header.append(_("Households"))
    rows = []
    for line in lines:
        row = [line.name, *(line.shown(k) for k in LINE_FIGURES)]
        if households:
            row.append(line.shown("households"))
        rows.append(row)
    return header, rows


def quarterly(r) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    f = r.figures
    summary.append([_("Quarterly report"), r.period.label, str(r.scope.mission)])
    summary["A1"].font = Font(bold=True, size=13)
    for label, value in r.filters:
        summary.append([label, value])
    for label, value in (
        (_("People reached"), r.shown("total")),
        (_("Unique registered people"), r.shown("unique")),
        (_("People counted by headcount (not unique)"), r.shown("headcount")),
        (_("Share of non-unique reach"), round(f.non_unique_share, 4)),
        (_("Services"), f.services),
        (_("Households"), r.shown("households")),
        (_("Provinces"), r.provinces_covered),
        (_("Probable duplicates awaiting review"), f.pending_pairs),
    ):
        summary.append([label, value])
    summary.append([])
    summary.append(
        [
            _(
                "Rows do not add up to the total: a person served in several sectors, "
                "places or projects counts once in each and once in the total."
            )
        ]
    )
    if r.shared:
        summary.append(
            [
                _(
                    "Shared outside the mission: counts of people below %(n)s are left empty, "
                    "and some larger counts too, so that a hidden count cannot be worked out "
                    "from the others."
                )
                % {"n": r.threshold}
            ]
        )
    summary.append([r.data_source])
    summary.column_dimensions["A"].width = 48

    header, rows = _lines(r.sectors, households=True)
    sectors = []
    for line, row in zip(r.sectors, rows, strict=True):
        sectors.append(row)
        sectors += [
            ["  " + c.name, *(c.shown(k) for k in (*LINE_FIGURES, "households"))]
            for c in line.children
        ]
    _sheet(book, _("Sectors"), header, sectors)
    _sheet(book, _("Units"), *_lines(r.units, households=True))
    header, rows = _lines(r.provinces, households=True)
    _sheet(
        book,
        _("Provinces"),
        [_("ISO 3166-2"), *header],
        [[p.code, *row] for p, row in zip(r.provinces, rows, strict=True)],
    )
    _sheet(book, _("Sites"), *_lines(r.sites))
    _sheet(book, _("Projects"), *_lines(r.projects))
    _sheet(book, _("Donors"), *_lines(r.donors))
    sexes = ["female", "male", "other"]
    if r.shared:  # only the protected table: people reached, not split by how they were counted
        _sheet(
            book,
            _("Sex and age"),
            [_("Age band"), *sexes],
            [
                [band, *(None if cells[s][0] is None else sum(cells[s]) for s in sexes)]
                for band, cells in r.sex_age
            ],
        )
    else:
        _sheet(
            book,
            _("Sex and age"),
            [_("Age band")]
            + [f"{s} ({_('unique')})" for s in sexes]
            + [f"{s} ({_('headcount')})" for s in sexes],
            [
                [band, *(cells[s][0] for s in sexes), *(cells[s][1] for s in sexes)]
                for band, cells in r.sex_age
            ],
        )
    _sheet(
        book,
        _("Population groups"),
        [_("Group"), _("Unique registered people")],
        [[str(name), n] for name, n in r.groups],
    )
    _sheet(
        book,
        _("Disability"),
        [
            _("People with a disability"),
            _("Unique registered people"),
            _("People counted by headcount"),
        ],
        [[_("Washington Group cut-off"), r.disability["unique"], r.disability["headcount"]]],
    )
    if r.panels:
        _sheet(
            book,
            _("Programme figures"),
            [_("Programme"), _("Figure"), _("Value")],
            [
                [panel.title, row.label, None if row.hidden else row.value]
                for panel in r.panels
                for row in panel.rows
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
