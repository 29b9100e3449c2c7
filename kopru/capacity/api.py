"""Capacity building and communicable diseases API under /api/v1/capacity/."""

from ninja import Router

router = Router(tags=["capacity"])

# Each part's operations sit on this router; their modules import it, so they come last.
# --- trainings, council and legislation ---
from . import api_governance  # noqa: E402, F401, I001

# --- surveys and prevention ---
from . import api_surveys  # noqa: E402, F401, I001
