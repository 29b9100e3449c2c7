"""Capacity building and communicable diseases (the Belarus mission): health needs surveys,
access to prevention, trainings for government agencies, the coordination council and the
legislation review. One module per part; their models are imported here for Django."""

from .council import ActionItem, Council, Decision, Meeting, Member  # noqa: F401
from .legislation import Finding, Instrument, Recommendation, RecommendationChange  # noqa: F401
from .prevention import PreventionReferral, PreventionTally  # noqa: F401
from .surveys import SurveyImport, SurveyResponse  # noqa: F401
from .trainings import Agency, Enrolment, Participant, Training, TrainingDay  # noqa: F401
