"""Charts drawn on the server: the page and the PDF show the same drawing.

A chart is an HTML table whose bars are tiny SVG shapes without text: every label and number
is ordinary HTML text, laid out right-to-left with the page in Arabic and Farsi and read by
screen readers. (WeasyPrint 66 reverses the letters of Arabic SVG text in a document that
also has Arabic HTML text, so no text goes inside the SVG.) No JavaScript, no CDN; colours
are SVG attributes, not inline styles, so the content security policy holds. Decision 0007."""

import json
import math
from functools import cache
from pathlib import Path

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

INK, MUTED = "#212529", "#6c757d"
BLUE, ORANGE = "#1f5f99", "#e07b20"
# Sequential classes for the map (ColorBrewer Blues, 5 classes), grey for none.
CLASSES = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
NONE = "#eeeeee"


def fmt(value):
    return number_format(value, force_grouping=True)


def _bar(fraction, colour, title, *, height=12, thin=False):
    """One bar as a tiny SVG that fills its cell; it grows from the start side of the line."""
    w = max(0.0, min(1.0, fraction)) * 100
    x = 100 - w if get_language_bidi() else 0
    h = height // 2 if thin else height
    return (
        f'<svg class="chart-bar{" thin" if thin else ""}" viewBox="0 0 100 {h}" '
        f'preserveAspectRatio="none" width="100%" height="{h}" aria-hidden="true">'
        f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{h}" fill="{colour}">'
        f"<title>{escape(title)}</title></rect></svg>"
    )


def _legend(entries):
    items = "".join(
        f'<span class="chart-key"><svg viewBox="0 0 10 10" width="10" height="10" '
        f'aria-hidden="true"><rect width="10" height="10" fill="{colour}"/></svg> '
        f"{escape(name)}</span>"
        for name, colour in entries
    )
    return f'<div class="chart-legend">{items}</div>'


def bars(rows, *, label, second=None):
    """Horizontal bars: rows are (name, value) or (name, value, second value). With `second`
    (its legend name), the second value is drawn as a thinner orange bar under the first."""
    rows = list(rows)
    top = max([r[1] for r in rows] + [r[2] for r in rows if second and len(r) > 2] + [1])
    lines = []
    for row in rows:
        name, value = row[0], row[1]
        bar = _bar(value / top, BLUE, f"{name}: {fmt(value)}")
        numbers = fmt(value)
        if second and len(row) > 2:
            bar += _bar(row[2] / top, ORANGE, f"{name}: {fmt(row[2])}", thin=True)
            numbers += f'<br><span class="chart-second">{fmt(row[2])}</span>'
        lines.append(
            f'<tr><th scope="row">{escape(name)}</th><td class="chart-cell">{bar}</td>'
            f'<td class="chart-num">{numbers}</td></tr>'
        )
    legend = _legend([(label, BLUE), (second, ORANGE)]) if second else ""
    return mark_safe(  # noqa: S308 (names escaped above)
        f'<table class="chart chart-bars" aria-label="{escape(label)}">'
        f"<tbody>{''.join(lines)}</tbody></table>{legend}"
    )


def pyramid(rows, *, label):
    """A population pyramid: rows are (age band, female, male), youngest last (at the bottom)."""
    rows = list(rows)
    top = max([max(f, m) for _b, f, m in rows] + [1])
    rtl = get_language_bidi()
    lines = []
    for band, female, male in reversed(rows):
        # The female half grows towards the middle: mirror it against the line's direction.
        w = max(0.0, min(1.0, female / top)) * 100
        x = 0 if rtl else 100 - w
        left = (
            f'<svg class="chart-bar" viewBox="0 0 100 12" preserveAspectRatio="none" width="100%" '
            f'height="12" aria-hidden="true"><rect x="{x:.2f}" width="{w:.2f}" height="12" '
            f'fill="{ORANGE}"><title>{escape(band)}: {fmt(female)}</title></rect></svg>'
        )
        right = _bar(male / top, BLUE, f"{band}: {fmt(male)}")
        lines.append(
            f'<tr><td class="chart-num">{fmt(female)}</td><td class="chart-cell">{left}</td>'
            f'<th scope="row" class="chart-band">{escape(band)}</th>'
            f'<td class="chart-cell">{right}</td><td class="chart-num chart-start">{fmt(male)}</td>'
            "</tr>"
        )
    head = (
        f'<tr><th></th><th class="chart-end">{escape(_("Female"))}</th><th></th>'
        f'<th class="chart-start">{escape(_("Male"))}</th><th></th></tr>'
    )
    return mark_safe(  # noqa: S308
        f'<table class="chart chart-pyramid" aria-label="{escape(label)}">'
        f"<thead>{head}</thead><tbody>{''.join(lines)}</tbody></table>"
    )


def columns(months, series, *, label):
    """Grouped columns per month: series are (name, {month: value}), at most two."""
    colours = [BLUE, ORANGE]
    top = max([v for _n, values in series for v in values.values()] + [1])
    cells, labels = [], []
    for month in months:
        rects = []
        width = 10 / max(len(series), 1)
        for s, (name, values) in enumerate(series):
            value = values.get(month, 0)
            h = 100 * value / top
            x = s * width
            rects.append(
                f'<rect x="{x:.2f}" y="{100 - h:.2f}" width="{width * 0.9:.2f}" height="{h:.2f}" '
                f'fill="{colours[s]}"><title>{escape(name)}: {fmt(value)}</title></rect>'
            )
        cells.append(
            f'<td class="chart-column"><svg viewBox="0 0 10 100" preserveAspectRatio="none" '
            f'width="100%" height="120" aria-hidden="true">{"".join(rects)}</svg></td>'
        )
        labels.append(f"<th>{escape(_month_label(month))}</th>")
    values = "".join(
        "<tr>"
        + f'<th scope="row" class="chart-series">{escape(name)}</th>'
        + "".join(f"<td>{fmt(vals.get(m, 0))}</td>" for m in months)
        + "</tr>"
        for name, vals in series
    )
    legend = _legend([(name, colours[i]) for i, (name, _v) in enumerate(series)])
    return mark_safe(  # noqa: S308
        f'<table class="chart chart-columns" aria-label="{escape(label)}">'
        f"<tbody><tr><td></td>{''.join(cells)}</tr><tr><td></td>{''.join(labels)}</tr>"
        f"{values}</tbody></table>{legend}"
    )


def _month_label(month):
    from django.utils.dateformat import format as date_format

    return date_format(month, "M y")


# --- The map --------------------------------------------------------------------------------


@cache
def boundaries():
    path = Path(__file__).parent / "data" / "boundaries.json"
    return json.loads(path.read_text(encoding="utf-8"))


def has_map(country):
    return country in boundaries()["countries"]


def choropleth(country, values, *, label, names=None, width=640):
    """The country's first-level regions shaded by value (five classes by quantile of the
    regions with a value); regions are keyed by ISO 3166-2 code. North stays up and east
    right in every language; the legend is text, so it reads in every language."""
    data = boundaries()["countries"][country]
    lon0, lat0, lon1, lat1 = data["bbox"]
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = (width - 20) / ((lon1 - lon0) * kx)
    height = int((lat1 - lat0) * scale) + 20
    breaks = _breaks([v for v in values.values() if v > 0])
    names = names or {}

    def point(lon, lat):
        return f"{10 + (lon - lon0) * kx * scale:.1f},{10 + (lat1 - lat) * scale:.1f}"

    paths = []
    for code, rings in data["regions"].items():
        value = values.get(code, 0)
        d = " ".join("M" + " L".join(point(*p) for p in ring) + "Z" for ring in rings)
        title = f"{names.get(code, code)}: {fmt(value)}"
        paths.append(
            f'<path d="{d}" fill="{_class_colour(value, breaks)}" fill-rule="evenodd" '
            f'stroke="#ffffff" stroke-width="0.6"><title>{escape(title)}</title></path>'
        )
    entries = [(_("none"), NONE)] + [
        (f"{fmt(low)}–{fmt(high)}", CLASSES[i]) for i, (low, high) in enumerate(breaks)
    ]
    return mark_safe(  # noqa: S308
        f'<figure class="chart chart-map"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width} {height}" width="100%">'
        f"<title>{escape(label)}</title>{''.join(paths)}</svg>{_legend(entries)}</figure>"
    )


def _breaks(values):
    """Up to five (low, high) classes by quantile."""
    if not values:
        return []
    values = sorted(values)
    n = min(5, len(set(values)))
    edges = [values[min(len(values) - 1, round(i * (len(values) - 1) / n))] for i in range(n + 1)]
    classes, low = [], values[0]
    for high in edges[1:]:
        if high >= low:
            classes.append((low, high))
            low = high + 1
    return classes


def _class_colour(value, breaks):
    if value <= 0:
        return NONE
    for i, (_low, high) in enumerate(breaks):
        if value <= high:
            return CLASSES[i]
    return CLASSES[len(breaks) - 1] if breaks else NONE
