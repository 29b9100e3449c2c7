"""What apps above the registry add to a person's and a household's page (apps depend
downwards, so the registry names no service, referral or appointment itself).

Each entry is a callable (user, record) -> [(label, url)]: links the user may follow."""

PERSON_ACTIONS = []
HOUSEHOLD_ACTIONS = []


def actions(entries, user, record):
    return [link for entry in entries for link in entry(user, record)]
