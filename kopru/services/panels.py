"""What apps above the services add to a referral's and a service's page (apps depend
downwards, so services name no case). Each entry is a callable (user, record) ->
[(label, url)]: links the user may follow, e.g. "Open a case" from a referral."""

REFERRAL_ACTIONS = []
EVENT_ACTIONS = []


def actions(entries, user, record):
    return [link for entry in entries for link in entry(user, record)]
