"""Password rules after NSM's guidance: length over complexity, and no known passwords.

No rules about character classes (they make people write "Sommer2024!"); instead a minimum
length, a long maximum so passphrases fit, and a check against the common passwords shipped in
`employerpool/data/common_passwords.txt` (see that file for where the list comes from), also
with digits and punctuation stripped from the ends, and against the user's own name, the
e-mail address and the service's name.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 10
MAX_LENGTH = 200
COMMON_PASSWORDS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "common_passwords.txt"
)
# Words that belong to this service: a password built from them is easy to guess here.
SERVICE_WORDS = ("arbeidsgiverpool", "arbeidsgiverpoolen", "groruddalen", "employerpool")
_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    with open(COMMON_PASSWORDS, encoding="utf-8") as fh:
        return frozenset(
            line.rstrip("\n") for line in fh if line.strip() and not line.startswith("#")
        )


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _forms(password: str) -> set[str]:
    """The password and its core without digits and punctuation at either end."""
    text = _normalise(password)
    core = _ENDS.sub("", text)
    forms = {text, text.replace(" ", "")}
    if len(core) >= 4:
        forms |= {core, core.replace(" ", "")}
    return forms


def problem(password: str, *, email: str | None = None, name: str | None = None):
    """The reason `password` is refused (a translatable message), or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _l("Passordet må ha minst %(n)s tegn.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Passordet kan ha høyst %(n)s tegn.", n=MAX_LENGTH)
    forms = _forms(password)
    if len(set(_normalise(password))) <= 2:
        return _l("Passordet er for lett å gjette. Bruk gjerne en setning du husker.")
    if forms & common_passwords():
        return _l(
            "Dette er et av de mest brukte passordene og er lett å gjette. "
            "Velg et annet, gjerne en setning du husker."
        )
    personal = set(SERVICE_WORDS)
    if email:
        local = _normalise(email).split("@")[0]
        personal |= {local, local.replace(".", ""), _normalise(email)}
    if name:
        personal |= {_normalise(name), _normalise(name).replace(" ", "")}
    if forms & {p for p in personal if len(p) >= 4}:
        return _l("Passordet kan ikke være navnet ditt, e-postadressen din eller tjenestens navn.")
    return None
