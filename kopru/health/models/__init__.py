"""The health app's tables: clinic care and the pre-migration health assessment."""

from .assessment import (  # noqa: F401
    AssessmentCase,
    ComponentRecord,
    Counselling,
    Disclosure,
    DotCourse,
    DotDose,
    EmbarkationCheck,
    FollowUp,
    FollowUpLink,
    Investigation,
    TbClass,
    Treatment,
)
from .clinic import Diagnosis, Encounter, Immunization, Prescription  # noqa: F401
