"""The shipped service catalogue (data/catalogue.json), loaded into every mission.

Idempotent: running it again updates the shipped names and adds what is new; it never deletes
and keeps an administrator's choice of what is active."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kopru.core.models import Mission

from .models import InterpretingLanguage, Sector, ServiceType, SubSector, Unit

DATA = Path(__file__).resolve().parent / "data" / "catalogue.json"


def shipped():
    return json.loads(DATA.read_text(encoding="utf-8"))


def offered(mission, code):
    """The mission's service type `code` for a programme to record, or ValidationError when
    the catalogue does not offer it (or an administrator switched it off)."""
    found = ServiceType.objects.filter(mission=mission, code=code, active=True).first()
    if found is None:
        raise ValidationError(
            {
                "service_type": _("This mission's catalogue does not offer %(code)s.")
                % {"code": code}
            }
        )
    return found


def load_catalogue(missions=None):
    data = shipped()
    for mission in missions or Mission.objects.all():
        units = {}
        for order, spec in enumerate(data["units"]):
            units[spec["code"]], _ = Unit.objects.update_or_create(
                mission=mission,
                code=spec["code"],
                defaults={"names": spec["names"], "order": order},
            )
        for s_order, s_spec in enumerate(data["sectors"]):
            sector, _ = Sector.objects.update_or_create(
                mission=mission,
                code=s_spec["code"],
                defaults={"names": s_spec["names"], "order": s_order},
            )
            for ss_order, ss_spec in enumerate(s_spec["sub_sectors"]):
                sub, _ = SubSector.objects.update_or_create(
                    sector=sector,
                    code=ss_spec["code"],
                    defaults={"names": ss_spec["names"], "order": ss_order},
                )
                for t_order, t_spec in enumerate(ss_spec["service_types"]):
                    ServiceType.objects.update_or_create(
                        mission=mission,
                        code=t_spec["code"],
                        defaults={
                            "names": t_spec["names"],
                            "order": t_order,
                            "sub_sector": sub,
                            "unit": units[t_spec["unit"]],
                            "subjects": t_spec["subjects"],
                            "category": t_spec["category"],
                        },
                    )
        for code in data["interpreting_languages"]:
            InterpretingLanguage.objects.get_or_create(mission=mission, code=code)
