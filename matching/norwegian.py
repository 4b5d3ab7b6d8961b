"""Norwegian morphology for reading job titles and skill words.

Norwegian inflects the last part of a compound ("butikkmedarbeider", "-en", "-e", "-ne"), writes
compounds both joined and split ("barnehage medarbeider"), and has two written standards
(bokmål "sykepleier", nynorsk "sjukepleiar").  Everything here turns such variants into one
*key*, so that a title, a label in the taxonomy and a counsellor's skill word compare equal:

- words are case-folded and stripped of punctuation (:func:`matching.text.normalise`);
- abbreviations and nynorsk word forms are replaced from data (``data/norwegian_forms.tsv``);
- the last word is reduced with Snowball's Norwegian stemmer, repeated until it stops changing
  ("elektrikere" → "elektriker" → "elektrik"), and the words before it are joined without
  spaces, so a compound and its split spelling give the same key.

Compound splitting (:func:`split_compound`) finds a known head inside an unknown compound
("taxisjåfør" → "taxi" + "sjåfør"), which is how a reader understands a compound it has never
seen: a taxisjåfør is a sjåfør.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from importlib import resources

import Stemmer

from .text import normalise

__all__ = [
    "GENERIC_HEADS",
    "inflections",
    "expand_abbreviations",
    "forms",
    "phrase_key",
    "split_compound",
    "stem",
    "tokens",
]

_STEMMER = Stemmer.Stemmer("norwegian")
_WORD = re.compile(r"\w+", re.UNICODE)


def _read_forms() -> dict[str, list[tuple[str, str]]]:
    raw = resources.files(__package__).joinpath("data", "norwegian_forms.tsv").read_text("utf-8")
    out: dict[str, list[tuple[str, str]]] = {}
    for line in raw.splitlines()[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        kind, form, replacement = (line.split("\t") + ["", ""])[:3]
        out.setdefault(kind.strip(), []).append((form.strip(), replacement.strip()))
    return out


@functools.cache
def forms() -> dict[str, list[tuple[str, str]]]:
    """Return the word-form data by kind (``abbreviation``, ``nynorsk``, ``generic_head``, ...)."""
    return _read_forms()


@functools.cache
def _abbreviation_re() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {form.casefold(): rep for form, rep in forms().get("abbreviation", [])}
    alternatives = sorted(table, key=len, reverse=True)
    # An abbreviation ends in a dot or stands alone as a word: "ass. barnehage", "hj.pleie".
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?=\W|$)", re.IGNORECASE
    )
    return pattern, table


def expand_abbreviations(text: str) -> str:
    """Write out common abbreviations of job titles.

    Examples
    --------
    >>> expand_abbreviations("Ass. barnehage")
    'assistent barnehage'
    >>> expand_abbreviations("hj.pleie, 50 %")
    'hjemmepleie, 50 %'
    """
    pattern, table = _abbreviation_re()
    return pattern.sub(lambda m: table[m.group(1).casefold()], text)


@functools.cache
def _nynorsk() -> tuple[dict[str, str], tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    words, prefixes, suffixes = {}, [], []
    for form, rep in forms().get("nynorsk", []):
        if form.endswith("-") and not form.startswith("-"):
            prefixes.append((form[:-1], rep.rstrip("-")))
        elif form.startswith("-"):
            suffixes.append((form[1:], rep.lstrip("-")))
        else:
            words[form] = rep
    prefixes.sort(key=lambda x: -len(x[0]))
    suffixes.sort(key=lambda x: -len(x[0]))
    return words, tuple(prefixes), tuple(suffixes)


@functools.lru_cache(maxsize=65536)
def bokmaal(word: str) -> str:
    """Return a bokmål reading of a (possibly nynorsk) word; the word itself when none applies.

    Examples
    --------
    >>> bokmaal("sjukepleiar"), bokmaal("reinhaldar"), bokmaal("tilsette")
    ('sykepleier', 'renholder', 'ansatte')
    """
    words, prefixes, suffixes = _nynorsk()
    if word in words:
        return words[word]
    out = word
    for form, rep in prefixes:
        if out.startswith(form) and len(out) > len(form):
            out = rep + out[len(form) :]
            break
    for form, rep in suffixes:
        if out.endswith(form) and len(out) - len(form) >= 3:
            out = out[: -len(form)] + rep
            break
    return words.get(out, out)


def tokens(text: str) -> list[str]:
    """Return the normalised words of a text, abbreviations written out.

    Examples
    --------
    >>> tokens("Sykepl. (natt) – 50 %!")
    ['sykepleier', 'natt', '50']
    """
    return normalise(expand_abbreviations(text)).split()


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Stem a Norwegian word with Snowball until it stops changing.

    Examples
    --------
    >>> stem("elektrikere"), stem("elektriker"), stem("sjåføren"), stem("renholdere")
    ('elektrik', 'elektrik', 'sjåfør', 'renhold')
    """
    for _ in range(4):
        shorter = _STEMMER.stemWord(word)
        if shorter == word or len(shorter) < 3:
            return word
        word = shorter
    return word


def inflections(word: str) -> set[str]:
    """The regular bokmål inflections of a noun (or a compound ending in one): plural,
    definite and genitive forms.  Agent nouns in -er ("elektriker") and nouns in -e ("lege")
    inflect their own way.

    Examples
    --------
    >>> sorted(inflections("elektriker"))
    ['elektriker', 'elektrikere', 'elektrikeren', 'elektrikerne', 'elektrikers']
    >>> sorted(inflections("lege"))
    ['lege', 'legen', 'legene', 'leger', 'leges']
    >>> "sjåførene" in inflections("sjåfør") and "formenn" in inflections("formann")
    True
    """
    out = {word}
    if len(word) < 3:
        return out
    if word.endswith("er"):
        out |= {word + "e", word + "en", word + "ne", word + "s"}
    elif word.endswith("e"):
        out |= {word + "r", word + "n", word + "ne", word + "s"}
    else:
        out |= {word + "er", word + "en", word + "ene", word + "et", word + "s", word + "e"}
    if word.endswith("mann"):
        base = word[:-4]
        out |= {base + "menn", base + "mennene", base + "mannen"}
    return out


def phrase_key(words: Iterable[str]) -> str:
    """Key of a phrase: its words joined without spaces, then stemmed (Norwegian inflects the
    end of a compound, so "syke pleiere" and "sykepleier" meet at "sykeplei").

    Examples
    --------
    >>> phrase_key(["barnehage", "medarbeidere"]) == phrase_key(["barnehagemedarbeider"])
    True
    """
    return stem("".join(words))


@functools.cache
def _generic() -> frozenset[str]:
    return frozenset(f for form, _ in forms().get("generic_head", []) for f in inflections(form))


class _GenericHeads:
    """Stemmed heads that say little alone ("medarbeider", "assistent"): the compound's first
    part carries the occupation ("kjøkkenmedarbeider" ≈ "kjøkkenassistent")."""

    def __contains__(self, key: object) -> bool:
        return key in _generic()

    def __iter__(self):
        return iter(sorted(_generic()))


GENERIC_HEADS = _GenericHeads()

#: Letters that join the parts of a Norwegian compound ("renhold-s-arbeider", "barn-e-hage").
LINKING = ("s", "e")


def split_compound(
    key: str, is_head: Callable[[str], bool], min_head: int = 3, min_modifier: int = 3
) -> tuple[str, str] | None:
    """Split a stemmed compound into (modifier, head) with the longest head ``is_head`` knows.

    The modifier loses a linking letter ("renholds" → "renhold").

    Examples
    --------
    >>> split_compound("taxisjåfør", {"sjåfør", "før"}.__contains__)
    ('taxi', 'sjåfør')
    >>> split_compound("renholdsarbeid", {"arbeid"}.__contains__)
    ('renhold', 'arbeid')
    >>> split_compound("sjåfør", {"sjåfør"}.__contains__) is None
    True
    """
    for cut in range(min_modifier, len(key) - min_head + 1):
        head = key[cut:]
        if is_head(head):
            modifier = key[:cut]
            if modifier.endswith(LINKING) and len(modifier) > min_modifier:
                modifier = modifier[:-1]
            return modifier, head
    return None
