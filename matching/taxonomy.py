"""Occupation and skill knowledge from ESCO, STYRK-08 and NAV's titles (files in ``data/``).

The :class:`Taxonomy` turns text into concepts and concepts into relations:

- skill terms → ESCO skills (English preferred, alternative and hidden labels, plus any
  Norwegian labels folded in at build time), through a fuzzy
  :class:`~matching.vocabulary.Vocabulary`;
- job titles → ESCO occupations (Norwegian labels from the official crosswalk, English labels)
  or, for NAV titles and STYRK-08 names, → STYRK-08 unit groups;
- occupation relatedness: the same occupation, the same STYRK-08 unit group, or at least two
  shared sector- or occupation-specific essential skills;
- skill evidence for occupations: which occupations a set of skills points at.

Attribution: see ``data/ATTRIBUTION.md`` ("This service uses the ESCO classification of the
European Commission.").
"""

from __future__ import annotations

import functools
import gzip
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np
import scipy.sparse as sp

from .norwegian import forms, inflections, tokens
from .reader import Reading, TitleReader
from .text import compact
from .vocabulary import TermMatch, Vocabulary

__all__ = ["Taxonomy", "load_taxonomy", "RELATEDNESS"]

#: Relatedness of two occupations, on the scale of the evaluation's grades divided by three.
RELATEDNESS: dict[str, float] = {
    "same_occupation": 1.0,
    "same_unit_group": 2 / 3,
    "shared_essential_skills": 1 / 3,
    "same_minor_group": 1 / 4,
}

#: Reuse levels whose skills say something about a particular trade (ESCO ``reuseLevel``).
SPECIFIC_REUSE = frozenset({"S", "O"})


def _read_tsv(name: str) -> list[list[str]]:
    raw = resources.files(__package__).joinpath("data", name).read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    lines = text.split("\n")
    return [line.split("\t") for line in lines[1:] if line]


def _split(cell: str, sep: str = "|") -> list[str]:
    return [x for x in cell.split(sep) if x]


def _read_skills_no() -> list[tuple[list[str], str]]:
    """Norwegian skill words (term and variants) with their ESCO skill URI ('' when none)."""
    raw = resources.files(__package__).joinpath("data", "skills_no.tsv").read_text("utf-8")
    out = []
    for line in raw.splitlines()[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        term, variants, uri, _domain = (line.split("\t") + ["", "", ""])[:4]
        out.append(([term, *_split(variants)], uri.strip()))
    return out


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """A job title resolved to occupations and/or STYRK-08 unit groups."""

    occupations: tuple[int, ...]
    groups: tuple[int, ...]
    label: str
    similarity: float
    #: evidence weight (0–1] per concept, occupations then groups; empty: all 1
    weights: tuple[float, ...] = ()
    #: how the title was read ("exact", "compound", "generic", "fuzzy"; "" when not found)
    route: str = ""
    #: whether every phrase read is a vague title ("engineer", "rådgiver", "konsulent")
    vague: bool = False
    #: whether every phrase read is a generic title ("medarbeider", "manager"): says nothing
    generic: bool = False

    def weight_of(self) -> list[tuple[bool, int, float]]:
        """``(is_group, concept, weight)`` for every concept of the match."""
        ws = self.weights or (1.0,) * (len(self.occupations) + len(self.groups))
        n = len(self.occupations)
        return [(False, o, ws[i]) for i, o in enumerate(self.occupations)] + [
            (True, g, ws[n + i]) for i, g in enumerate(self.groups)
        ]

    @property
    def found(self) -> bool:
        """Whether anything was recognised."""
        return bool(self.occupations or self.groups)


class Taxonomy:
    """The matcher's read-only occupation and skill knowledge (load once, share everywhere).

    Use :func:`load_taxonomy` to get the shared instance.

    Examples
    --------
    >>> tax = load_taxonomy()
    >>> m = tax.resolve_title("Vi søker møbelsnekker (praksisplass)")
    >>> [tax.occ_label_no[o] for o in m.occupations]
    ['møbelsnekker']
    >>> tax.group_codes[tax.occ_groups[m.occupations[0]][0]]
    '7522'
    """

    def __init__(self) -> None:
        occ_rows = _read_tsv("occupations.tsv.gz")
        skill_rows = _read_tsv("skills.tsv.gz")
        group_rows = _read_tsv("styrk.tsv.gz")

        self.group_codes: list[str] = [r[0] for r in group_rows]
        self.group_names: list[str] = [(_split(r[1]) or [r[0]])[0] for r in group_rows]
        group_index = {c: i for i, c in enumerate(self.group_codes)}

        self.occ_ids = [r[0] for r in occ_rows]
        self.occ_label_en = [r[3] for r in occ_rows]
        self.occ_label_no = [(_split(r[5]) or [r[3]])[0] for r in occ_rows]
        self.occ_groups: list[tuple[int, ...]] = [
            tuple(group_index[c] for c in _split(r[2], ";") if c in group_index) for r in occ_rows
        ]
        self.n_occ = len(occ_rows)
        self.n_groups = len(self.group_codes)

        self.skill_ids = [r[0] for r in skill_rows]
        self.skill_label = [r[2] for r in skill_rows]
        self.skill_reuse = np.array([r[1] for r in skill_rows])
        self.n_skills = len(skill_rows)

        # Skill vocabulary: every label of every skill, Norwegian ones included (the seed
        # vocabulary's, folded in at build time, and the Norwegian skill words of
        # data/skills_no.tsv, read here).
        labels, concepts = [], []
        for i, r in enumerate(skill_rows):
            for label in [r[2], *_split(r[3]), *_split(r[4])]:
                labels.append(label)
                concepts.append(i)
        skill_index = {sid: i for i, sid in enumerate(self.skill_ids)}
        #: every inflected form of a Norwegian skill word → ESCO skills (for free text)
        self.skill_phrases: dict[str, set[int]] = {}
        ambiguous = {compact(w) for w, _ in forms().get("ambiguous_skill", [])}
        for words, uri in _read_skills_no():
            i = skill_index.get(uri.rsplit("/", 1)[-1]) if uri else None
            if i is None:
                continue
            for label in words:
                labels.append(label)
                concepts.append(i)
                key = "".join(tokens(label))
                if len(key) >= 4 and key not in ambiguous:
                    for form in inflections(key):
                        self.skill_phrases.setdefault(form, set()).add(i)
        self.skills = Vocabulary(labels, concepts)

        # Title vocabulary: concept < n_occ is an occupation, n_occ + g a unit group.
        labels, concepts = [], []
        for i, r in enumerate(occ_rows):
            for label in [*_split(r[5]), r[3], *_split(r[4])]:
                labels.append(label)
                concepts.append(i)
        heads: dict[str, set[int]] = {}
        for g, r in enumerate(group_rows):
            for label in [*_split(r[1]), *_split(r[2])]:
                labels.append(label)
                concepts.append(self.n_occ + g)
                head = label.split("(", 1)[0].strip()
                if head != label:
                    heads.setdefault(head, set()).add(g)
        # "Billettkontrollør (kino, teater ...)" is also written plain "Billettkontrollør"; a
        # head shared by many groups ("Lærling", "Avdelingsleder") says too little to keep.
        for head, groups in heads.items():
            if len(groups) <= 2:
                for g in groups:
                    labels.append(head)
                    concepts.append(self.n_occ + g)
        self.titles = Vocabulary(labels, concepts, max_edits=0.15)
        #: reads real titles and free text (stemming, compounds, nynorsk, senses by prior)
        self.reader = TitleReader(self, occ_rows, group_rows)

        raw = resources.files(__package__).joinpath("data", "occupation_skills.npz").read_bytes()
        with np.load(io.BytesIO(raw)) as rel:
            occ, skill, essential = rel["occ"], rel["skill"], rel["essential"].astype(bool)
        shape = (self.n_occ, self.n_skills)

        def incidence(mask: np.ndarray) -> sp.csr_matrix:
            ones = np.ones(int(mask.sum()), dtype=np.float32)
            return sp.csr_matrix((ones, (occ[mask], skill[mask])), shape=shape)

        #: occupation × skill, 1 where the skill is essential for the occupation
        self.essential = incidence(essential)
        #: occupation × skill, 1 where the skill is optional for the occupation
        self.optional = incidence(~essential)

        self._minor_index = {c: i for i, c in enumerate(sorted({g[:3] for g in self.group_codes}))}
        rows = [o for o, gs in enumerate(self.occ_groups) for _ in gs]
        cols = [g for gs in self.occ_groups for g in gs]
        #: occupation × unit group membership
        self.membership = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(self.n_occ, self.n_groups)
        )
        group_size = np.asarray(self.membership.sum(axis=0)).ravel()
        self.group_size = np.maximum(group_size, 1.0)

        # Skill document frequency over occupations, for idf weights.
        known = (self.essential + self.optional).tocsc()
        df = np.diff(known.indptr).astype(np.float64)
        self.skill_idf = np.log((self.n_occ + 1) / (df + 1)) + 1.0
        self.skill_idf[df == 0] = 0.0
        self.occ_skill_count = np.asarray(known.sum(axis=1)).ravel()

        specific = np.isin(self.skill_reuse, list(SPECIFIC_REUSE)).astype(np.float32)
        spec_ess = self.essential @ sp.diags(specific)
        shared = (spec_ess @ spec_ess.T).toarray()
        same_group = (self.membership @ self.membership.T).toarray() > 0
        # STYRK-08 minor groups (the first three digits) gather neighbouring trades: a car
        # mechanic (7231) for a machinery mechanic's place (7233) is a fair suggestion.
        minor = sp.csr_matrix(
            (
                np.ones(len(rows), dtype=np.float32),
                (rows, [self._minor_index[self.group_codes[g][:3]] for g in cols]),
            ),
            shape=(self.n_occ, len(self._minor_index)),
        )
        same_minor = (minor @ minor.T).toarray() > 0
        rel = np.where(same_minor, RELATEDNESS["same_minor_group"], 0.0)
        rel = np.where(shared >= 2, RELATEDNESS["shared_essential_skills"], rel)
        rel = np.where(same_group, RELATEDNESS["same_unit_group"], rel)
        np.fill_diagonal(rel, RELATEDNESS["same_occupation"])
        #: occupation × occupation relatedness in [0, 1] (dense, float32)
        self.relatedness = rel.astype(np.float32)

    # --- text → concepts -----------------------------------------------------------------

    def resolve_skills(self, terms: list[str]) -> list[TermMatch]:
        """Resolve skill terms to ESCO skills (empty concepts when unknown)."""
        return self.skills.lookup_many(terms)

    def resolve_titles(self, titles: list[str]) -> list[TitleMatch]:
        """Resolve job titles to occupations or unit groups (see :class:`TitleReader`)."""
        return [self._title_match(self.reader.read(t)) for t in titles]

    def _title_match(self, reading: Reading) -> TitleMatch:
        weights = self.reader.weights(reading)
        if not weights:
            return TitleMatch((), (), "", 0.0)
        best = max(weights.values())
        kept = sorted((c for c, w in weights.items() if w >= 0.5 * best))
        occs = tuple(c for c in kept if c < self.n_occ)
        groups = tuple(c - self.n_occ for c in kept if c >= self.n_occ)
        ws = tuple(weights[c] / best for c in (*occs, *(self.n_occ + g for g in groups)))
        hits = [h for h in reading.hits if not h.context] or list(reading.hits)
        label = ", ".join(dict.fromkeys(h.phrase for h in hits))
        route = min((h.route for h in hits), key=("exact", "compound", "fuzzy", "generic").index)
        vague = all(self.reader.is_vague(h) for h in hits)
        generic = all(h.generic for h in hits)
        return TitleMatch(
            occs, groups, label, round(reading.confidence, 6), ws, route, vague, generic
        )

    def skill_mentions(self, text: str, limit: int = 6000) -> dict[int, float]:
        """ESCO skills named by Norwegian skill words in a free text (each counted once).

        Examples
        --------
        >>> tax = load_taxonomy()
        >>> found = tax.skill_mentions("Du har truckførerbevis og erfaring med varemottak.")
        >>> len(found) >= 2
        True
        """
        words = tokens(text[:limit])
        found: dict[int, float] = {}
        used = [False] * len(words)
        for size in range(min(4, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(used[start : start + size]):
                    continue
                skills = self.skill_phrases.get("".join(words[start : start + size]))
                if skills:
                    for s in skills:
                        found[s] = 1.0
                    used[start : start + size] = [True] * size
        return found

    def concept_label(self, concept: int) -> str:
        """Display name of a title concept: an occupation's Norwegian label or a group's name."""
        if concept < self.n_occ:
            return self.occ_label_no[concept]
        return self.group_names[concept - self.n_occ]

    def resolve_title(self, title: str) -> TitleMatch:
        """Resolve one job title (see :meth:`resolve_titles`)."""
        return self.resolve_titles([title])[0]

    def title_evidence(self, match: TitleMatch) -> tuple[dict[int, float], dict[int, float]]:
        """Return occupation and unit-group evidence (0–1) carried by a resolved title."""
        occ = {o: match.similarity for o in match.occupations}
        groups: dict[int, float] = {}
        for o in match.occupations:
            for g in self.occ_groups[o]:
                groups[g] = max(groups.get(g, 0.0), match.similarity)
        for g in match.groups:
            groups[g] = max(groups.get(g, 0.0), match.similarity)
        return occ, groups


@functools.cache
def load_taxonomy() -> Taxonomy:
    """Return the shared :class:`Taxonomy`, loading the package data on first use."""
    return Taxonomy()
