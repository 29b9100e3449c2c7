"""Figures as reports print them: grouped digits, and a dash for one a shared report leaves out."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value):
    if value is None or value == "":
        return "–"
    return floatformat(value, "0g")


@register.filter
def shown(line, name):
    """A line's figure, or a dash when it is left out (reporting.report.Line.hidden)."""
    return figure(line.shown(name))


@register.filter
def shown_figure(report, name):
    """A headline figure of a report, or a dash when the shared report leaves it out."""
    return figure(report.shown(name))
