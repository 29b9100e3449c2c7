"""The demo's indicators and targets (data/demo_indicators.json), written through
services.save_indicator and save_target as the mission's M&E officer (or its administrator).

Idempotent: an indicator whose code exists is left as it is, and a target whose indicator,
project and period exist is not written again."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from kopru.core import access
from kopru.core.models import Mission, Project, User
from kopru.services.models import Sector, ServiceType, SubSector, Unit

from . import services
from .models import Indicator, Target

DATA = Path(__file__).parent / "data" / "demo_indicators.json"


def _author(mission):
    """The demo user who defines a mission's indicators: its M&E officer, else its admin."""
    for username in ("me_officer", "admin"):
        user = User.objects.filter(username=username, missions=mission).first()
        if user is not None and access.has(user, services.CAPABILITY):
            return user
    return None


def _catalogue(model, mission, code):
    if not code:
        return None
    if model is SubSector:
        return SubSector.objects.get(sector__mission=mission, code=code)
    return model.objects.get(mission=mission, code=code)


def load_demo_indicators():
    data = json.loads(DATA.read_text())
    for entry in data["indicators"]:
        mission = Mission.objects.filter(code=entry["mission"]).first()
        author = _author(mission) if mission else None
        if author is None:
            continue
        indicator = Indicator.objects.filter(mission=mission, code=entry["code"]).first()
        if indicator is None:
            indicator = Indicator(
                mission=mission,
                code=entry["code"],
                name=entry["name"],
                description=entry.get("description", ""),
                kind=entry.get("kind", Indicator.Kind.COUNT),
                measure=entry.get("measure", ""),
                sector=_catalogue(Sector, mission, entry.get("sector")),
                sub_sector=_catalogue(SubSector, mission, entry.get("sub_sector")),
                unit=_catalogue(Unit, mission, entry.get("unit")),
                sex=entry.get("sex", ""),
                age_bands=entry.get("age_bands", []),
                population_group=entry.get("population_group", ""),
                disability_only=entry.get("disability_only", False),
            )
            for side in ("numerator", "denominator"):
                if entry.get(side):
                    setattr(
                        indicator, side, Indicator.objects.get(mission=mission, code=entry[side])
                    )
            types = [
                ServiceType.objects.get(mission=mission, code=code)
                for code in entry.get("service_types", [])
            ]
            services.save_indicator(author, indicator, service_types=types)
        for t in entry.get("targets", []):
            project = (
                Project.objects.filter(mission=mission, code=t["project"]).first()
                if t.get("project")
                else None
            )
            if t.get("project") and project is None:
                continue
            start = datetime.date.fromisoformat(t["start"])
            end = datetime.date.fromisoformat(t["end"])
            if Target.objects.filter(
                indicator=indicator, project=project, start=start, end=end
            ).exists():
                continue
            services.save_target(
                author,
                Target(
                    indicator=indicator,
                    project=project,
                    start=start,
                    end=end,
                    value=Decimal(str(t["value"])),
                ),
            )
