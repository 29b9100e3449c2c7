"""A child's growth chart drawn on the server: the WHO reference lines (-3, -2, 0, +2, +3 SD)
and the child's measurements, as an SVG without text (every label is HTML beside it, so it
reads right-to-left and prints the same; see decision 0007)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .growth import reference_curves

WIDTH, HEIGHT, PAD = 600, 320, 8
LINES = {
    "sd_neg3": "#b00020",
    "sd_neg2": "#e07b20",
    "sd0": "#2b8a3e",
    "sd2": "#e07b20",
    "sd3": "#b00020",
}
INDICATORS = {"wfa": ("weight_kg", "days"), "lhfa": ("height_cm", "days")}


def chart(indicator, sex, points, *, rtl=False):
    """{"svg", "x_max_months", "y_min", "y_max"} for `points` [(age in days, value, title)],
    or None without points."""
    if not points:
        return None
    x_max = min(1856, max(365, max(p[0] for p in points) + 180))
    curves = [r for r in reference_curves(indicator, sex) if r["key"] <= x_max]
    values = [r[k] for r in curves for k in LINES] + [p[1] for p in points]
    y_min, y_max = int(min(values)) - 1, int(max(values)) + 1

    def xy(day, value):
        x = PAD + (WIDTH - 2 * PAD) * day / x_max
        if rtl:
            x = WIDTH - x
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - y_min) / (y_max - y_min)
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg class="growth-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-hidden="true">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff" stroke="#ccc"/>',
    ]
    for key, colour in LINES.items():
        line = " ".join(xy(r["key"], r[key]) for r in curves)
        dash = "" if key == "sd0" else ' stroke-dasharray="4 3"'
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}"{dash}/>')
    trail = " ".join(xy(day, value) for day, value, _t in points)
    parts.append(f'<polyline points="{trail}" fill="none" stroke="#1f5f99" stroke-width="2"/>')
    for day, value, title in points:
        x, y = xy(day, value).split(",")
        dot = f'<circle cx="{x}" cy="{y}" r="4" fill="#1f5f99">'
        parts.append(f"{dot}<title>{escape(title)}</title></circle>")
    parts.append("</svg>")
    return {
        "svg": mark_safe("".join(parts)),  # noqa: S308  (numbers and escaped titles only)
        "x_max_months": round(x_max / 30.4375),
        "y_min": y_min,
        "y_max": y_max,
    }
