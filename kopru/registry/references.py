"""Human-readable reference numbers with a check digit: TR-4827-1930-5.

Eight random digits and a Damm check digit, which catches every single wrong digit and every
swap of two neighbouring digits, the two mistakes people make reading a number aloud. Digits
(not letters) so that the number reads the same in every language Kopru speaks.
"""

import re
import secrets

from stdnum import damm

ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
PATTERN = re.compile(r"^([A-Z]{2,3})-?(\d{4})-?(\d{4})-?(\d)$")


def new_reference(prefix: str) -> str:
    body = f"{secrets.randbelow(10**8):08d}"
    check = damm.calc_check_digit(body)
    return f"{prefix}-{body[:4]}-{body[4:]}-{check}"


def normalise(text: str):
    """The canonical form of a typed reference, or None if it is not a valid one."""
    compact = re.sub(r"[\s.]", "", (text or "").translate(ARABIC_INDIC)).upper()
    match = PATTERN.match(compact)
    if not match:
        return None
    prefix, a, b, check = match.groups()
    if not damm.is_valid(a + b + check):
        return None
    return f"{prefix}-{a}-{b}-{check}"
