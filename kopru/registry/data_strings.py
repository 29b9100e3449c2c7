"""Display strings of registry/data files, for makemessages (see core/data_strings.py)."""

from django.utils.translation import gettext_noop as _

STRINGS = [
    _("Unaccompanied or separated child"),
    _("Female-headed household"),
    _("Single parent or caregiver"),
    _("Older person at risk"),
    _("Serious or chronic illness"),
    _("Pregnant or lactating woman"),
    _("Survivor of violence or torture"),
    _("At risk of gender-based violence"),
    _("At risk of early or forced marriage"),
    _("Child labour"),
    _("Child out of school"),
    _("No income in the household"),
    _("At risk of eviction"),
    _("Legal status at risk"),
    _("Affected by the earthquake"),
    # languages.json: names pycountry's catalogues lack in at least one of Kopru's languages
    _("Levantine Arabic"),
    _("Dari"),
    _("Pushto"),
    _("Northern Kurdish"),
    _("Central Kurdish"),
    _("Amharic"),
    _("Tigrinya"),
    _("Oromo"),
    _("Ukrainian"),
    _("Uzbek"),
]
