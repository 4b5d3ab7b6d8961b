"""Resolution of placement needs: what a need's title, occupation and skill terms say.

Resolving a need (title and occupation → ESCO occupations, skill terms → concepts, fuzzy
matching included) costs more than scoring it against a demo-sized pool, so it is done once:
:meth:`~matching.ranker.CandidateRanker.prepare` returns a :class:`PreparedVacancy`, and the
ranker keeps the last ``cache_size`` of them keyed by the need's content.  The pool-independent
part (:class:`NeedCore`) is also kept per process, so a refit (or
:func:`~matching.ranker.best_needs`, which fits a one-candidate pool) reuses it.

How occupational fit works
--------------------------
Each profile is resolved to a probability distribution over ESCO occupations, a small
naive-Bayes model over its evidence (:class:`OccupationModel`; candidates are resolved the same
way in :func:`matching.features.build_features`):

- a title (placement, experience, desired occupation; for a need its title and occupation) that
  names an ESCO occupation adds ``TITLE_STRENGTH * log(#occupations)`` to that occupation's
  log-odds; a title that names a STYRK-08 unit group (NAV titles, SSB names) adds
  ``TITLE_STRENGTH * log(#groups)`` to every occupation in the group (times the title's match
  similarity and the weight of its source: placement outcome and age, desired occupation);
- each skill adds ``log(1 + p_k / |K(o)| / (p_noise / #skills))`` to every occupation ``o`` that
  lists it, where ``K(o)`` is the occupation's essential (``k = essential``) or optional skill
  set: a skill shared by few, small occupations says more than a generic one;
- occupations without evidence keep log-odds 0 (a uniform prior), so a thin profile gets a
  flat, honest distribution instead of a confident guess.

The need's distribution ``p`` and the candidate's ``q`` give the expected relatedness
``q · R · p``, with ``R`` = 1 for the same occupation, 2/3 for the same STYRK-08 unit group and
1/3 for occupations sharing at least two sector- or occupation-specific essential skills
(:data:`matching.taxonomy.RELATEDNESS`); :mod:`matching.components.skills` scores it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .cache import LRUCache
from .profiles import Vacancy, parse_vacancy
from .taxonomy import Taxonomy, TitleMatch, load_taxonomy
from .text import compact
from .textmodel import load_text_model
from .vocabulary import TermMatch

if TYPE_CHECKING:
    from .features import PoolFeatures

__all__ = [
    "NeedCore",
    "Understanding",
    "OccupationModel",
    "PreparedVacancy",
    "clear_need_cache",
    "core_key",
    "need_cores",
    "occupation_model",
    "resolve_needs",
    "understand",
]

#: Share of a profile's skills expected to be essential / optional skills of its occupation;
#: the rest is noise (skills from elsewhere, typos that resolved to other concepts).
P_ESSENTIAL, P_OPTIONAL, P_NOISE = 0.55, 0.15, 0.30
#: A title is this many times as telling as a title drawn at random would make it (see
#: the module docstring): job titles are rarely wrong, so mentioning one is strong evidence.
TITLE_STRENGTH = 1.5
#: Evidence weight of each source of a title, relative to a placement.
SOURCE_WEIGHT = {
    "placement": 1.0,
    "experience": 1.0,
    "desired": 0.5,
    "title": 1.0,
    "occupation": 1.5,
}
#: Evidence weight of the occupations a need's description names, relative to its title: the
#: text carries a need whose title names no occupation (first value) and only refines one whose
#: title was understood (second value: it may choose between the title's senses).
DESCRIPTION_WEIGHT = (0.6, 0.25)
#: Evidence weight of skill words found in a need's title and description, relative to a
#: listed skill, and the most log-odds they may add to one occupation together (many loose
#: skill words must not outvote a title).
TEXT_SKILL_WEIGHT, TEXT_SKILL_CAP = 0.5, 3.0
#: How much a need's skill says about its occupation, by ESCO reuse level: a driving licence
#: or a language (cross-sector, transversal) is asked of many trades; "operate a dough mixer"
#: of one.
NEED_SKILL_REUSE_WEIGHT = {"S": 1.0, "O": 1.0, "C": 0.6, "T": 0.3, "-": 0.3}
#: Confidence of each source of the occupation, as the page shows it.
SOURCE_CONFIDENCE = {
    "occupation": 1.0,
    "title": 1.0,
    "description": 0.6,
    "skills": 0.4,
    "none": 0.0,
}
#: Needs whose pool-independent resolution (titles, ESCO skills, occupations) is kept per
#: process, shared by all rankers (about 25 kB each).
NEED_CACHE_SIZE = 1024


class OccupationModel:
    """Log-odds contributions of skills and titles to occupations (shared, read-only)."""

    def __init__(self, tax: Taxonomy) -> None:
        n_skills = tax.n_skills
        ess_size = np.maximum(np.asarray(tax.essential.sum(axis=1)).ravel(), 1.0)
        opt_size = np.maximum(np.asarray(tax.optional.sum(axis=1)).ravel(), 1.0)
        noise = P_NOISE / n_skills
        ess_w = np.log1p(P_ESSENTIAL / ess_size / noise)
        opt_w = np.log1p(P_OPTIONAL / opt_size / noise)
        #: skill × occupation log-odds
        self.skill_weights = (
            (sp.diags(ess_w) @ tax.essential + sp.diags(opt_w) @ tax.optional).T.tocsr()
        ).astype(np.float32)
        self.title_occupation = TITLE_STRENGTH * math.log(tax.n_occ)
        self.title_group = TITLE_STRENGTH * math.log(tax.n_groups)
        self.n_occ = tax.n_occ
        #: group → occupation membership (csr, groups × occupations)
        self.group_members = tax.membership.T.tocsr()


@functools.cache
def occupation_model() -> OccupationModel:
    """The process-wide :class:`OccupationModel` of the loaded taxonomy."""
    return OccupationModel(load_taxonomy())


@dataclass(frozen=True, slots=True)
class Understanding:
    """What the matcher understood a need's occupation to be, and from what.

    ``source`` is ``"occupation"`` (the need's chosen occupation), ``"title"``,
    ``"description"`` (the title named none; the text did), ``"skills"`` (only skill words
    pointed somewhere) or ``"none"``; ``groups`` are STYRK-08 codes, likeliest first, with
    their ``names``; ``phrase`` the words that were read; ``confidence`` in [0, 1].
    """

    source: str
    groups: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    phrase: str = ""
    confidence: float = 0.0

    @property
    def from_title(self) -> bool:
        """Whether the title (or a chosen occupation) said what the occupation is."""
        return self.source in ("occupation", "title")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (an extra field of the contract's result)."""
        return {
            "source": self.source,
            "styrk": list(self.groups),
            "names": list(self.names),
            "phrase": self.phrase,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True, slots=True, eq=False)
class NeedCore:
    """What a need's title, occupation, description and skill terms say, independent of any pool."""

    esco: tuple[tuple[int, ...], ...]  # ESCO skills per term (required, preferred); () unknown
    occupations: sp.csr_matrix  # 1 × occupations: the likely ones (p > 1e-4)
    relevance: np.ndarray  # relatedness of every occupation to the need (read-only)
    understood: Understanding = Understanding("none")


#: Pool-independent need resolutions, shared by every ranker in the process (fits come and go
#: when the pool changes; open needs stay).
_NEED_CORES = LRUCache(NEED_CACHE_SIZE)


def clear_need_cache() -> None:
    """Forget the process-wide need resolutions (for benchmarks and tests; rankers keep theirs)."""
    _NEED_CORES.clear()


def core_key(v: Vacancy) -> tuple[Any, ...]:
    """The part of a need its :class:`NeedCore` depends on."""
    return (
        v.title,
        v.occupation,
        tuple(v.skills_required),
        tuple(v.skills_preferred),
        v.description or "",
    )


def need_cores(keys: Sequence[tuple[Any, ...]]) -> list[NeedCore]:
    """Resolve needs (see :func:`core_key`), looking all uncached terms and titles up at once."""
    found: dict[tuple[Any, ...], NeedCore] = {}
    missing = []
    for key in dict.fromkeys(keys):
        core = _NEED_CORES.get(key)
        if core is None:
            missing.append(key)
        else:
            found[key] = core
    if missing:
        tax = load_taxonomy()
        terms = sorted({t for k in missing for t in (*k[2], *k[3])})
        titles = sorted({t for k in missing for t in (k[0], k[1]) if t})
        skill_of = dict(zip(terms, tax.resolve_skills(terms), strict=True))
        title_of = dict(zip(titles, tax.resolve_titles(titles), strict=True))
        for key in missing:
            core = need_core(key, skill_of, title_of)
            _NEED_CORES.put(key, core)
            found[key] = core
    return [found[k] for k in keys]


def _skill_logits(skills: Sequence[int]) -> np.ndarray:
    """Log-odds that a need's skills add to each occupation, weighed by reuse level."""
    tax = load_taxonomy()
    weights = np.array([NEED_SKILL_REUSE_WEIGHT.get(tax.skill_reuse[s], 0.25) for s in skills])
    rows = occupation_model().skill_weights[list(skills)]
    return np.asarray(rows.multiply(weights[:, None]).sum(axis=0)).ravel()


def _add_title(logits: np.ndarray, m: TitleMatch, weight: float) -> None:
    """Add a resolved title's log-odds: its strength, plus the log prior of each sense."""
    model = occupation_model()
    for is_group, concept, w in m.weight_of():
        bonus = weight * m.similarity * (model.title_group if is_group else model.title_occupation)
        bonus += math.log(w)
        if is_group:
            lo, hi = model.group_members.indptr[concept], model.group_members.indptr[concept + 1]
            logits[model.group_members.indices[lo:hi]] += bonus
        else:
            logits[concept] += bonus


def _add_mentions(logits: np.ndarray, mentions: Mapping[int, float], weight: float) -> None:
    """Add the occupations a free text names, each in proportion to the best-named one."""
    if not mentions:
        return
    tax = load_taxonomy()
    model = occupation_model()
    best = max(mentions.values())
    for concept, count in mentions.items():
        share = count / best
        if concept < tax.n_occ:
            logits[concept] += weight * share * model.title_occupation
        else:
            g = concept - tax.n_occ
            lo, hi = model.group_members.indptr[g], model.group_members.indptr[g + 1]
            logits[model.group_members.indices[lo:hi]] += weight * share * model.title_group


def _understanding(
    p: np.ndarray, source: str, phrase: str, similarity: float = 1.0
) -> Understanding:
    tax = load_taxonomy()
    if source == "none":
        return Understanding("none")
    mass = occupation_model().group_members @ p
    order = np.argsort(-mass, kind="stable")[:3]
    top = [g for g in order if mass[g] >= 0.25 * mass[order[0]]]
    return Understanding(
        source,
        tuple(tax.group_codes[g] for g in top),
        tuple(tax.group_names[g] for g in top),
        phrase,
        round(float(SOURCE_CONFIDENCE[source] * similarity * min(1.0, mass[order[0]] * 1.5)), 3),
    )


def need_core(
    key: tuple[Any, ...], skill_of: Mapping[str, TermMatch], title_of: Mapping[str, TitleMatch]
) -> NeedCore:
    """Distribution of a need over ESCO occupations and every occupation's relatedness to it.

    Evidence, strongest first: a chosen occupation, the title, the occupations the description
    names, then skills (listed ones, and skill words found in the title and description).
    """
    tax = load_taxonomy()
    title, occupation, required, preferred, description = key
    esco = tuple(skill_of[t].concepts for t in (*required, *preferred))
    logits = np.zeros(tax.n_occ)
    concepts = sorted({c for cs in esco for c in cs if c < tax.n_skills})
    if concepts:
        logits += _skill_logits(concepts)
    in_text = tax.skill_mentions(f"{title}\n{description}")
    if in_text:
        from_text = _skill_logits(sorted(in_text)) * TEXT_SKILL_WEIGHT
        if from_text.max() > TEXT_SKILL_CAP:
            from_text *= TEXT_SKILL_CAP / from_text.max()
        logits += from_text
    source, phrase, similarity = "none", "", 1.0
    if occupation and title_of[occupation].found:
        m = title_of[occupation]
        _add_title(logits, m, SOURCE_WEIGHT["occupation"])
        source, phrase, similarity = "occupation", occupation, m.similarity
    m = title_of.get(title)
    if m is not None and m.found and not m.generic:  # "Engasjert medarbeider søkes": no trade
        _add_title(logits, m, SOURCE_WEIGHT["title"])
        if source == "none":
            source, phrase, similarity = "title", m.label, m.similarity
    mentions = tax.reader.mentions(description) if description else {}
    # A vague title ("engineer", "rådgiver") leaves the choice to the description.
    sure = source == "occupation" or (
        source == "title" and m is not None and m.route != "generic" and not m.vague
    )
    _add_mentions(logits, mentions, DESCRIPTION_WEIGHT[sure])
    if source == "none" and mentions:
        source = "description"
        best = max(mentions, key=lambda c: (mentions[c], -c))
        phrase = tax.concept_label(best)
    elif source == "none" and (concepts or in_text):
        source = "skills"
    logits -= logits.max()
    p = np.exp(logits)
    p = p / p.sum()
    # Relatedness of every occupation to the need (only likely need occupations matter).
    likely = np.flatnonzero(p > 1e-4)
    relevance = tax.relatedness[:, likely] @ p[likely]
    relevance.flags.writeable = False
    dist = sp.csr_matrix((p[likely], likely, [0, len(likely)]), shape=(1, tax.n_occ))
    return NeedCore(esco, dist, relevance, _understanding(p, source, phrase, similarity))


@dataclass(frozen=True, slots=True, eq=False)
class PreparedVacancy:
    """A placement need resolved against one fitted pool (see :meth:`CandidateRanker.prepare`).

    Attributes
    ----------
    vacancy : Vacancy
        The parsed need.
    required, preferred : tuple of tuple of int
        Concepts per required / preferred skill term: ESCO skills, else terms seen in the pool.
    occupations : scipy.sparse.csr_matrix
        1 × occupations: the need's probability distribution over ESCO occupations (the
        occupations with p > 1e-4, the only ones that count).
    relevance : numpy.ndarray
        Expected relatedness of every ESCO occupation to the need (read-only).
    reference_date : datetime.date
        The ranker's "today": the recency of a candidate's placements is measured from it (not
        from a start date months ahead, which would age every placement for nothing).
    employer, district : int
        Codes of the need's employer and district in the pool (-1 / -2 when not in it).
    fit_token : str
        Identifies the fit the need was prepared for.
    understood : Understanding
        What the need's occupation was understood to be, from what, and how surely.
    text : scipy.sparse.csr_matrix
        The need's words in the text model (see :mod:`matching.textmodel`).
    """

    vacancy: Vacancy
    required: tuple[tuple[int, ...], ...]
    preferred: tuple[tuple[int, ...], ...]
    occupations: sp.csr_matrix
    relevance: np.ndarray
    reference_date: dt.date
    employer: int
    district: int
    fit_token: str
    understood: Understanding = Understanding("none")
    text: sp.csr_matrix | None = None

    def __repr__(self) -> str:
        return (
            f"PreparedVacancy(id={self.vacancy.id!r}, required={len(self.required)}, "
            f"preferred={len(self.preferred)}, likely_occupations={self.occupations.nnz})"
        )


def understand(vacancy: Vacancy | Mapping[str, Any]) -> Understanding:
    """What a need's occupation is understood as (cached with the need's resolution).

    Examples
    --------
    >>> u = understand({"id": "v1", "title": "Sjåfør klasse C søkes"})
    >>> (u.source, u.groups[0])
    ('title', '8332')
    >>> understand({"id": "v2", "title": "Er det deg vi ser etter?"}).source
    'none'
    """
    v = vacancy if isinstance(vacancy, Vacancy) else parse_vacancy(vacancy)
    return need_cores([core_key(v)])[0].understood


def resolve_needs(
    vacancies: Sequence[Vacancy], pool: PoolFeatures, today: dt.date, fit_token: str
) -> list[PreparedVacancy]:
    """Prepare needs against a fitted pool, resolving all their uncached parts at once.

    Skill terms that name no ESCO skill fall back to terms seen in the pool (its local
    vocabulary); the need's employer and district become the pool's codes for them.
    """
    cores = need_cores([core_key(v) for v in vacancies])
    unknown = sorted(
        {
            t
            for v, core in zip(vacancies, cores, strict=True)
            for t, cs in zip((*v.skills_required, *v.skills_preferred), core.esco, strict=True)
            if not cs
        }
    )
    local = dict(
        zip(unknown, (m.concepts for m in pool.local_terms.lookup_many(unknown)), strict=True)
    )
    out = []
    for v, core in zip(vacancies, cores, strict=True):
        terms = (*v.skills_required, *v.skills_preferred)
        concepts = tuple(cs or local[t] for t, cs in zip(terms, core.esco, strict=True))
        n_req = len(v.skills_required)
        emp = compact(v.employer) if v.employer else ""
        out.append(
            PreparedVacancy(
                vacancy=v,
                required=concepts[:n_req],
                preferred=concepts[n_req:],
                occupations=core.occupations,
                relevance=core.relevance,
                reference_date=today,
                employer=pool.employers.get(emp, -1) if emp else -1,
                district=pool.districts.get(compact(v.district), -2) if v.district else -2,
                fit_token=fit_token,
                understood=core.understood,
                text=load_text_model().transform_need(v),
            )
        )
    return out
