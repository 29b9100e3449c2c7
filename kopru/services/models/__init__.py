"""The services app's tables: the catalogue and ledger, the directory and referrals, and
appointments with interpreters."""

from .appointments import (  # noqa: F401
    Appointment,
    Interpreter,
    InterpreterAvailability,
    InterpretingLanguage,
    OpeningHours,
    Room,
)
from .ledger import (  # noqa: F401
    AgeBand,
    Headcount,
    HeadcountSex,
    Modality,
    Named,
    Participation,
    Sector,
    ServiceEvent,
    ServiceEventVersion,
    ServiceProject,
    ServiceType,
    Subject,
    SubSector,
    Unit,
)
from .referrals import Provider, Referral, ReferralLink, ReferralUpdate  # noqa: F401
