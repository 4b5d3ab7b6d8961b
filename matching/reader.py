"""Read job titles and free text the way people write them: find the occupations inside.

An ad's title is rarely a clean label: "50 % fast stilling som miljøarbeider ved Alna bo- og
aktivitetssenter", "Tilkallingsvikarar – pleie- og omsorgstenesta", "Taxisjåfører søkes",
"Vi ser etter skjulte talenter!".  :class:`TitleReader` finds the occupation inside:

1. abbreviations are written out, the title is cut into parts at punctuation, and employment
   words ("fast stilling", "vikariat", "id 279") are dropped; the words after "som" are the
   title, words after "ved", "til", "hos" … are context (read, but with less weight);
2. every span of words is looked up by its :func:`~matching.norwegian.phrase_key` (Norwegian
   stemming, compounds joined or split, nynorsk forms), longest span first, so the most
   specific known occupation wins ("helsefagarbeider" before "arbeider");
3. a word still unknown is split as a compound against the known heads ("taxi|sjåfør",
   "kjøkken|medarbeider" ≈ "kjøkken|assistent"), then looked up fuzzily for typos;
4. a phrase with several senses is weighed by sense: curated common senses first
   (``data/titles_common.tsv``: "driver" is a car driver), then exact Norwegian and English
   labels, then the heads of NAV's parenthesised titles ("Sjåfør (renovasjon)" is one sense of
   "sjåfør", not its meaning), each sense weighted by how many job seekers NAV counts in its
   STYRK-08 group, so common jobs win over rare ones.

:meth:`TitleReader.mentions` reads a description the same way (exact phrases only, no fuzzy
guesses, words that are also everyday Norwegian verbs left out), so the text can carry a need
whose title names no occupation.  Nothing here knows about candidates or scores.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from rapidfuzz.utils import default_process

from .norwegian import GENERIC_HEADS, bokmaal, forms, inflections, split_compound, stem, tokens
from .text import TITLE_NOISE, normalise

if TYPE_CHECKING:  # pragma: no cover
    from .taxonomy import Taxonomy

__all__ = ["Hit", "Reading", "TitleReader"]

#: Levels of a label, best first: a key keeps the senses of its best level only.
CURATED, LABEL, ENGLISH, HEAD, ALT = range(5)
#: Similarity of a hit found by each route.
EXACT_SIM, COMPOUND_SIM, GENERIC_SIM = 1.0, 0.85, 0.6
#: Weight of a workplace word in a free text ("barnehagen") against a job title named in it.
DOMAIN_WEIGHT = 0.3
#: Longest span of words looked up as one phrase.
MAX_SPAN = 6
#: A sense whose prior weight is below this share of the best sense's is dropped.
MIN_SENSE_SHARE = 0.05

_SEGMENT = re.compile(r"[/,;:!?|()\[\]{}\n•*+]|\s[-–—]\s|\s[-–—]|[-–—]\s|\.\s|\.$")
#: Words after these belong to the context of a title ("… ved NAV Alna", "… til lageret").
_AS = frozenset({"som", "as"})
_NOISE = frozenset(normalise(w) for w in TITLE_NOISE)
_NUMBER = re.compile(r"^\d+$")


@functools.cache
def _words(kind: str) -> frozenset[str]:
    return frozenset(normalise(form) for form, _ in forms().get(kind, []))


@dataclass(frozen=True, slots=True)
class Hit:
    """One occupation phrase found in a text: its senses (concept → weight) and how it was found."""

    phrase: str
    senses: tuple[tuple[int, float], ...]
    similarity: float
    route: str  # "exact", "compound", "generic", "fuzzy"
    generic: bool = False
    context: bool = False  # found after "ved", "til", … rather than in the title proper


@dataclass(frozen=True, slots=True)
class Reading:
    """What a title says: its hits, best first, and how sure the reader is."""

    hits: tuple[Hit, ...] = ()
    confidence: float = 0.0

    @property
    def found(self) -> bool:
        """Whether any occupation was recognised."""
        return bool(self.hits)


@dataclass(slots=True)
class _Index:
    level: dict[str, int] = field(default_factory=dict)
    senses: dict[str, dict[int, float]] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, level: int, concept: int, weight: float, label: str) -> None:
        if len(key) < 2:
            return
        have = self.level.get(key)
        if have is None or level < have:
            self.level[key] = level
            self.senses[key] = {}
            self.label[key] = label
        if self.level[key] == level:
            senses = self.senses[key]
            senses[concept] = max(senses.get(concept, 0.0), weight)


def _read_common() -> list[tuple[str, list[str], str]]:
    raw = resources.files(__package__).joinpath("data", "titles_common.tsv").read_text("utf-8")
    out = []
    for line in raw.splitlines()[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        title, codes, kind = line.split("\t")
        out.append((title, codes.split("|"), kind))
    return out


def _split(cell: str, sep: str = "|") -> list[str]:
    return [x for x in cell.split(sep) if x]


class TitleReader:
    """Find occupations (ESCO occupations and STYRK-08 unit groups) in titles and texts.

    Concepts are numbered as in :class:`~matching.taxonomy.Taxonomy`'s title vocabulary:
    ``c < n_occ`` is an ESCO occupation, ``n_occ + g`` the unit group ``g``.

    Examples
    --------
    >>> from matching.taxonomy import load_taxonomy
    >>> tax = load_taxonomy()
    >>> reader = tax.reader
    >>> def groups(title):
    ...     return sorted({tax.group_codes[g] for g in reader.groups_of(reader.read(title))})
    >>> groups("Taxisjåfører søkes")
    ['8322']
    >>> groups("Område Aust søkjer sjukepleiar – fast 100 % stilling")
    ['2223']
    >>> groups("Vi ser etter skjulte talenter!")
    []
    """

    def __init__(
        self, tax: Taxonomy, occ_rows: Sequence[Sequence[str]], group_rows: Sequence[Sequence[str]]
    ) -> None:
        self.tax = tax
        n_occ = tax.n_occ
        group_index = {c: i for i, c in enumerate(tax.group_codes)}
        seekers = [float(r[3]) if len(r) > 3 and r[3] else 0.0 for r in group_rows]
        #: prior weight of each unit group: NAV's job seekers, square-rooted (a 100× more common
        #: job is 10× likelier to be meant, not 100×)
        self.group_prior = [math.sqrt(s + 4.0) for s in seekers]
        self.occ_prior = [
            max((self.group_prior[g] for g in tax.occ_groups[o]), default=2.0) for o in range(n_occ)
        ]
        idx = _Index()
        heads: dict[str, dict[int, float]] = {}

        def key_of(label: str) -> str:
            return "".join(tokens(label))

        for title, codes, _kind in _read_common():
            k = key_of(title)
            for rank, code in enumerate(codes):
                g = group_index[code]
                # listed order is the sense order: the first is the everyday one
                idx.add(k, CURATED, n_occ + g, 1.0 - 0.1 * rank, title)
        for o, r in enumerate(occ_rows):
            for label in _split(r[5]):
                idx.add(key_of(label), LABEL, o, self.occ_prior[o], label)
            idx.add(key_of(r[3]), ENGLISH, o, self.occ_prior[o], r[3])
            for label in _split(r[4]):
                idx.add(key_of(label), ALT, o, self.occ_prior[o], label)
        for g, r in enumerate(group_rows):
            for label in [*_split(r[1]), *_split(r[2])]:
                head, paren, _ = label.partition("(")
                if not paren:
                    idx.add(key_of(label), LABEL, n_occ + g, self.group_prior[g], label)
                    continue
                idx.add(key_of(label), LABEL, n_occ + g, self.group_prior[g], label)
                hk = key_of(head)
                if hk:
                    bucket = heads.setdefault(hk, {})
                    bucket[n_occ + g] = bucket.get(n_occ + g, 0.0) + self.group_prior[g]
        # "Sjåfør (renovasjon)" is one sense of "sjåfør": the head gets every group that uses
        # it, weighted by how often and how common the group is.
        for hk, bucket in heads.items():
            for concept, weight in bucket.items():
                idx.add(hk, HEAD, concept, weight, hk)
        self.index = idx
        #: every inflected form of a key → the key ("elektrikerne" → "elektriker")
        self.forms: dict[str, str] = {k: k for k in idx.level}
        for k in sorted(idx.level, key=lambda k: (idx.level[k], k)):
            # English labels take an English plural only ("presenter" + e is a Norwegian verb)
            english = idx.level[k] in (ENGLISH, ALT)
            for form in {k, k + "s"} if english else inflections(k):
                self.forms.setdefault(form, k)
        #: Snowball stems of the keys of real labels, the last resort for a title's words
        self.stems: dict[str, str] = {}
        for k in sorted(idx.level, key=lambda k: (idx.level[k], k)):
            if idx.level[k] <= ENGLISH and len(stem(k)) >= 6:
                self.stems.setdefault(stem(k), k)
        one_word = [k for k, label in idx.label.items() if len(normalise(label).split()) == 1]
        #: every form of a one-word key: the heads a compound may end in
        one = set(one_word)
        self.single = {form for form, k in self.forms.items() if k in one}
        # modifier → senses of the labels "modifier + generic head" ("kjøkken" → kjøkkenassistent)
        self.by_modifier: dict[str, dict[int, float]] = {}
        for k in one_word:
            split = split_compound(k, GENERIC_HEADS.__contains__)
            if split is None or idx.level[k] > ENGLISH:
                continue
            bucket = self.by_modifier.setdefault(split[0], {})
            for concept, weight in idx.senses[k].items():
                bucket[concept] = max(bucket.get(concept, 0.0), weight)
        #: one-word keys of real labels (not heads) by length, for typo-tolerant lookup
        self.fuzzy_keys: dict[int, list[str]] = {}
        for k in sorted(k for k in one_word if idx.level[k] <= ENGLISH and len(k) >= 5):
            self.fuzzy_keys.setdefault(len(k), []).append(k)
        self.read = functools.lru_cache(maxsize=65536)(self._read)  # type: ignore[method-assign]
        self.generic_keys = frozenset(
            {self.forms.get(w, w) for w in _words("generic_title")}
            | {self.forms.get(w, w) for w in GENERIC_HEADS}
        )
        self.not_domains = _words("not_a_workplace")
        self.vague_keys = frozenset(self.forms.get(w, w) for w in _words("vague_title"))
        self.text_stop = frozenset(self.forms.get(w, w) for w in _words("ambiguous_in_text"))

    # --- lookups -------------------------------------------------------------------------

    def _is_head(self, key: str) -> bool:
        return key in self.single or key in GENERIC_HEADS

    def _senses(self, key: str) -> tuple[tuple[int, float], ...]:
        return _top(self.index.senses[key])

    def _exact(self, words: Sequence[str], stems: bool = False) -> str | None:
        """The key of a phrase as written (any inflection, bokmål or nynorsk); with ``stems``
        also of its Snowball stem ("sykepleieren" → "sykepleier")."""
        variants = dict.fromkeys(("".join(words), "".join(bokmaal(w) for w in words)))
        for surface in variants:
            key = self.forms.get(surface)
            if key is not None:
                return key
        if stems:
            for surface in variants:
                key = self.stems.get(stem(surface)) if len(surface) >= 6 else None
                if key is not None:
                    return key
        return None

    def _compound(self, word: str) -> Hit | None:
        """Read an unknown one-word compound through its head (and a generic head's modifier)."""
        for w in dict.fromkeys((word, bokmaal(word))):
            split = split_compound(w, self._is_head)
            if split is None:
                continue
            modifier, head = split[0], self.forms.get(split[1])
            if head is None:  # a generic head that is no label itself ("medarbeidere")
                head = split[1]
            if split[1] in GENERIC_HEADS or head in self.generic_keys:
                senses = self.by_modifier.get(modifier)
                if senses:
                    return Hit(word, _top(senses), COMPOUND_SIM, "compound")
                # "renholds|arbeider": the modifier names the trade, or its agent does (renholder)
                for agent in (modifier, modifier + "er"):
                    key = self.forms.get(agent)
                    if key is not None and key not in self.generic_keys:
                        return Hit(word, self._senses(key), COMPOUND_SIM, "compound")
                if head in self.index.level:
                    return Hit(word, self._senses(head), GENERIC_SIM, "generic", generic=True)
                continue
            # a short head ("sja|før") is more likely a typo of something else
            route = "head-short" if len(split[1]) < 0.6 * len(w) else "compound"
            return Hit(word, self._senses(head), COMPOUND_SIM, route)
        return None

    def _guess(self, word: str) -> Hit | None:
        """An unknown word: a compound of a known head, or a typo of a known title.

        A compound whose head is short ("sja|før") or generic ("kjøken|assistent") loses to a
        one-edit typo of a known title ("sjåfør", "kjøkkenassistent").
        """
        compound = self._compound(word)
        if compound is not None and compound.route == "compound" and not compound.generic:
            return compound
        typo = self._typo(word)
        if typo is not None:
            return typo
        if compound is not None:
            return Hit(word, compound.senses, compound.similarity, "compound", compound.generic)
        return None

    def _typo(self, word: str) -> Hit | None:
        """A one-word title with a typo: one edit (two in long words) from a known label."""
        key = word
        if len(word) < 6:  # "etter" is not a typo of "setter"
            return None
        allowed = 1 if len(key) < 10 else 2
        near = [
            k
            for n in range(len(key) - allowed, len(key) + allowed + 1)
            for k in self.fuzzy_keys.get(n, ())
        ]
        best = process.extractOne(
            key,
            near,
            scorer=Levenshtein.distance,
            processor=default_process,
            score_cutoff=allowed,
        )
        if best is None:
            return None
        match = best[0]
        sim = 1.0 - best[1] / max(len(key), len(match))
        generic = match in self.generic_keys
        return Hit(word, self._senses(match), sim * 0.95, "fuzzy", generic)

    def _modifier(self, word: str) -> dict[int, float] | None:
        """Senses of "word + generic head" labels ("butikk" → butikkmedarbeider, …)."""
        for w in dict.fromkeys((word, bokmaal(word), word.rstrip("s"))):
            senses = self.by_modifier.get(w)
            if senses:
                return senses
        return None

    def _ellipsis(self, words: list[str]) -> list[str]:
        """Write out a shared compound head: "ferskvare- og kafemedarbeider" (the hyphen often
        left out) is "ferskvaremedarbeider og kafemedarbeider"."""
        out = list(words)
        for i in range(len(words) - 2):
            if words[i + 1] not in ("og", "eller") or self.forms.get(words[i]):
                continue
            split = split_compound(words[i + 2], self._is_head)
            if split is None:
                continue
            head = words[i + 2][len(words[i + 2]) - len(split[1]) :]
            for joined in (words[i] + head, words[i] + "s" + head):
                if joined in self.forms or (
                    split[1] in GENERIC_HEADS and self._modifier(words[i]) is not None
                ):
                    out[i] = joined
                    break
        return out

    def _spans(self, words: list[str], context: bool, allow_guess: bool) -> list[Hit]:
        """Hits in one run of words, longest phrase first; unknown words tried as compounds."""
        words = self._ellipsis(words)
        hits: list[tuple[int, Hit]] = []
        used = [False] * len(words)
        for size in range(min(MAX_SPAN, len(words)), 0, -1):
            for start in range(0, len(words) - size + 1):
                if any(used[start : start + size]):
                    continue
                span = words[start : start + size]
                key = self._exact(span, stems=True)
                if key is None or (size > 1 and min(map(len, span)) < 4 and _one_word(self, key)):
                    continue  # "for mer" is not "former"; "syke pleier" is "sykepleier"
                generic = key in self.generic_keys
                hit = Hit(" ".join(span), self._senses(key), EXACT_SIM, "exact", generic, context)
                hits.append((start, hit))
                used[start : start + size] = [True] * size
        if allow_guess:
            for i, word in enumerate(words):
                if used[i] or len(word) < 5 or _NUMBER.match(word):
                    continue
                hit = self._guess(word)
                if hit is not None:
                    hits.append((i, _with_context(hit, context)))
                    used[i] = True
        hits.sort(key=lambda x: x[0])
        return [h for _, h in hits]

    # --- titles --------------------------------------------------------------------------

    def read(self, title: str) -> Reading:
        """Find the occupations a job title names (see the module docstring); cached."""
        return self._read(title)

    def _read(self, title: str) -> Reading:
        whole = tokens(title)
        key = self._exact(whole, stems=True) if 0 < len(whole) <= 2 * MAX_SPAN else None
        if key is not None:  # a label as it stands, "Transportleder (forsvaret)" included
            generic = key in self.generic_keys
            hit = Hit(" ".join(whole), self._senses(key), EXACT_SIM, "exact", generic)
            return Reading((hit,), EXACT_SIM * (0.5 if generic else 1.0))
        hits: list[Hit] = []
        for segment in _SEGMENT.split(_expand(title)):
            words = [w for w in tokens(segment)]
            if not words:
                continue
            proper, context = _title_parts(words)
            found = self._spans(proper, False, True)
            if not found and 1 < len(proper) <= 3:  # "lager medarbieder": a split typo
                whole = self._typo("".join(proper))
                found = [whole] if whole else []
            if found and all(h.generic for h in found):
                found = self._specialise(found, proper + context) or found
            if not found:
                found = self._domain(proper)
            hits.extend(found)
            hits.extend(self._spans(context, True, False))
        specific = [h for h in hits if not h.generic and not h.context]
        if specific:
            confidence = max(h.similarity for h in specific)
        elif hits:
            confidence = 0.5 * max(h.similarity for h in hits)
        else:
            confidence = 0.0
        return Reading(tuple(hits), confidence)

    def _specialise(self, generic: list[Hit], words: list[str]) -> list[Hit]:
        """ "Assistent i barnehage" → barnehageassistent: a generic title and a domain word."""
        out = []
        for hit in generic:
            head = hit.phrase.split()[-1]
            for w in words:
                if w in hit.phrase.split() or len(w) < 3:
                    continue
                for compound in (w + head, w + "s" + head):
                    key = self._exact([compound])
                    if key is not None and key not in self.generic_keys:
                        out.append(Hit(f"{w} {head}", self._senses(key), COMPOUND_SIM, "compound"))
                        break
                else:
                    senses = self._modifier(w)
                    if senses:
                        out.append(Hit(f"{w} {head}", _top(senses), COMPOUND_SIM, "compound"))
                if out:
                    return out
        return out

    def _domain(self, words: list[str]) -> list[Hit]:
        """A lone domain word ("Ekstrahjelp butikk") stands for its generic jobs."""
        for w in words:
            senses = self._modifier(w) if len(w) >= 4 else None
            if senses:
                return [Hit(w, _top(senses), GENERIC_SIM, "generic")]
        return []

    def weights(self, reading: Reading) -> dict[int, float]:
        """Concept → evidence weight (0–1] of a reading: specific hits first, senses by prior."""
        specific = [h for h in reading.hits if not h.generic and not h.context]
        chosen = specific or [h for h in reading.hits if not h.context] or list(reading.hits)
        out: dict[int, float] = {}
        for h in chosen:
            scale = h.similarity * (0.5 if h.generic else 1.0) * (0.6 if h.context else 1.0)
            for concept, weight in h.senses:
                out[concept] = max(out.get(concept, 0.0), scale * weight)
        return out

    def groups_of(self, reading: Reading) -> list[int]:
        """Unit groups of a reading's best sense(s), for display and tests."""
        weights = self.weights(reading)
        if not weights:
            return []
        best = max(weights.values())
        out: list[int] = []
        n_occ = self.tax.n_occ
        for concept, w in weights.items():
            if w < best - 1e-9:
                continue
            gs = [concept - n_occ] if concept >= n_occ else list(self.tax.occ_groups[concept])
            out.extend(g for g in gs if g not in out)
        return out

    # --- free text -----------------------------------------------------------------------

    def mentions(self, text: str, limit: int = 4000) -> dict[int, float]:
        """Concept → weight of the occupations a free text names (descriptions, summaries).

        Only exact phrases count (no fuzzy guesses in running text), generic titles and words
        that are also everyday verbs or nouns ("driver", "leder", "maler") are left out, each
        phrase counts at most three times, and a phrase right after "som", "stillingen som",
        "søker" counts double.
        """
        words = tokens(text[:limit])
        counts: dict[str, float] = {}
        used = [False] * len(words)
        for size in range(min(4, len(words)), 0, -1):
            for start in range(0, len(words) - size + 1):
                if any(used[start : start + size]):
                    continue
                span = words[start : start + size]
                key = self._exact(span)
                if key is None or key in self.generic_keys or key in self.text_stop:
                    continue
                if size == 1 and self.index.level[key] >= HEAD:
                    continue
                if len(normalise(self.index.label[key]).split()) != size:
                    continue  # "for mer" is not "former"
                if self.index.level[key] == ALT and size < 2:
                    continue
                before = set(words[max(0, start - 3) : start])
                boost = 2.0 if before & {"som", "søker", "søkjer", "ansette", "tilsette"} else 1.0
                counts[key] = min(counts.get(key, 0.0) + boost, 3.0 * boost)
                used[start : start + size] = [True] * size
        out: dict[int, float] = {}
        for key, count in counts.items():
            for concept, weight in self._senses(key):
                out[concept] = out.get(concept, 0.0) + count * weight
        # Workplace words ("barnehagen", "lageret", "kjøkkenet") point at the trade's everyday
        # jobs (barnehageassistent, lagermedarbeider, kjøkkenassistent), weakly.
        domains: dict[str, float] = {}
        for word, seen in zip(words, used, strict=True):
            if seen or len(word) < 4 or word in self.text_stop:
                continue
            base = self._domain_word(word)
            if base is not None:
                domains[base] = min(domains.get(base, 0.0) + DOMAIN_WEIGHT, 3 * DOMAIN_WEIGHT)
        for base, count in domains.items():
            for concept, weight in _top(self.by_modifier[base]):
                out[concept] = out.get(concept, 0.0) + count * weight
        return out

    def is_vague(self, hit: Hit) -> bool:
        """Whether a hit names a title too vague to pick a trade ("engineer", "rådgiver")."""
        key = self.forms.get("".join(hit.phrase.split()))
        return hit.generic or (key is not None and key in self.vague_keys)

    def _domain_word(self, word: str) -> str | None:
        """The workplace a word names, in any inflection ("lageret" → "lager"), if any."""
        for cut in (0, 1, 2, 3):
            base = word[: len(word) - cut]
            if len(base) >= 4 and base in self.by_modifier and word in inflections(base):
                return None if base in self.not_domains else base
        return None


def _one_word(reader: TitleReader, key: str) -> bool:
    return len(normalise(reader.index.label[key]).split()) == 1


def _top(senses: dict[int, float]) -> tuple[tuple[int, float], ...]:
    best = max(senses.values())
    kept = [(c, v / best) for c, v in senses.items() if v >= MIN_SENSE_SHARE * best]
    kept.sort(key=lambda x: (-x[1], x[0]))
    return tuple(kept[:12])


def _with_context(hit: Hit, context: bool) -> Hit:
    if not context:
        return hit
    return Hit(hit.phrase, hit.senses, hit.similarity, hit.route, hit.generic, True)


def _expand(title: str) -> str:
    # "Barne- og ungdomsarbeider" keeps its hyphen-joined coordination inside one segment.
    return re.sub(r"(\w)- (og|eller|/) ", r"\1 \2 ", title)


def _title_parts(words: list[str]) -> tuple[list[str], list[str]]:
    """Split words into the title proper and its context ("… ved NAV Alna")."""
    context_words, employment = _words("context"), _words("employment") | _NOISE
    if any(w in _AS for w in words[:-1]):
        last = max(i for i, w in enumerate(words[:-1]) if w in _AS)
        words = words[last + 1 :]
    proper: list[str] = []
    context: list[str] = []
    target = proper
    for w in words:
        if w in context_words and proper:
            target = context
            continue
        if w in employment or _NUMBER.match(w):
            continue
        target.append(w)
    return proper, context


def merge_weights(parts: Iterable[dict[int, float]]) -> dict[int, float]:
    """Concept-wise maximum of several weight maps."""
    out: dict[int, float] = {}
    for part in parts:
        for c, w in part.items():
            out[c] = max(out.get(c, 0.0), w)
    return out
