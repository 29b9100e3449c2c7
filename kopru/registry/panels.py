"""What apps above the registry add to a person's and a household's page (apps depend
downwards, so the registry names no service, referral or appointment itself).

Each entry of the ACTIONS lists is a callable (user, record) -> [(label, url)]: links the user
may follow. Each entry of PERSON_NOTES is a callable (user, person) -> [(label, text)]: short
facts another programme lets this user know (e.g. a health assessment's travel status, without
its clinical content)."""

PERSON_ACTIONS = []
HOUSEHOLD_ACTIONS = []
PERSON_NOTES = []


def actions(entries, user, record):
    return [link for entry in entries for link in entry(user, record)]
