"""Text normalisation for skill terms and job titles.

Everything that compares text goes through these functions, so that case, punctuation,
whitespace and compound spelling ("lager medarbeider", "lager-medarbeider",
"lagermedarbeider") never decide a match.  Norwegian letters æ, ø and å are kept as they are.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise", "compact", "clean_title", "title_variants", "TITLE_NOISE"]

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_PARENS = re.compile(r"\(([^()]*)\)?")

#: Words and phrases that job ads and CVs add around an occupation title without changing it
#: (generic Norwegian recruiting vocabulary and the programme's own district names).
TITLE_NOISE: tuple[str, ...] = (
    "vi søker",
    "søker",
    "ledig stilling",
    "ledig",
    "stilling",
    "erfaren",
    "erfarne",
    "dyktig",
    "senior",
    "junior",
    "praksisplass",
    "arbeidspraksis",
    "språkpraksis",
    "sprakpraksis",
    "praksis",
    "lønnstilskudd",
    "deltid",
    "heltid",
    "vikariat",
    "sommervikar",
    "vikar",
    "midlertidig",
    "fast",
    "snarest",
    "groruddalen",
    "oslo",
    "alna",
    "bjerke",
    "grorud",
    "stovner",
    "m k",
    "k m",
)
_NOISE_RE = re.compile(
    r"(?<!\w)("
    + "|".join(re.escape(w) for w in sorted(TITLE_NOISE, key=len, reverse=True))
    + r")(?!\w)"
)


def normalise(text: str) -> str:
    """Return ``text`` case-folded, with punctuation as single spaces.

    Parameters
    ----------
    text : str
        Any term or title.

    Returns
    -------
    str
        Lower-case words separated by one space; letters such as æ, ø and å are kept.

    Examples
    --------
    >>> normalise("  Truckførerbevis (T1–T4)! ")
    'truckførerbevis t1 t4'
    >>> normalise("LAGER-medarbeider")
    'lager medarbeider'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def compact(text: str) -> str:
    """Return the normalised text without spaces, so compounds and split words compare equal.

    Examples
    --------
    >>> compact("lager medarbeider") == compact("Lagermedarbeider") == compact("lager-medarbeider")
    True
    """
    return normalise(text).replace(" ", "")


def clean_title(title: str) -> str:
    """Strip recruiting noise ("Vi søker", "(praksisplass)", "- deltid") from a job title.

    Examples
    --------
    >>> clean_title("Vi søker Erfaren lagermedarbeider (praksisplass), Groruddalen")
    'lagermedarbeider'
    """
    text = normalise(title)
    text = _NOISE_RE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def title_variants(title: str) -> list[str]:
    """Return cleaned readings of a title, most complete first.

    A title such as "Lærling (møbelsnekker)" is tried whole, then as the words in parentheses
    and as the words outside them, because either may be the occupation.

    Examples
    --------
    >>> title_variants("Lærling (møbelsnekker)")
    ['lærling møbelsnekker', 'møbelsnekker', 'lærling']
    """
    out: list[str] = []
    for variant in (
        title,
        " ".join(m.group(1) for m in _PARENS.finditer(title)),
        _PARENS.sub(" ", title),
    ):
        cleaned = clean_title(variant)
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return out
