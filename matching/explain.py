"""Why a candidate got a score: explanation data, rendered to short Norwegian reasons.

The ranker fills an :class:`Explanation` (facts only: what matched, what is missing, what is
unknown); :func:`render_reasons` turns it into the sentences a counsellor reads.  Unknown is
not missing: an unrecorded Norwegian level is shown as "ukjent", and a thin profile says what
is not registered rather than pretending the candidate lacks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .profiles import CEFR

__all__ = [
    "LanguageCheck",
    "SkillCheck",
    "HistoryNote",
    "Explanation",
    "render_reasons",
]

_MODALITY = {"oral": "Muntlig", "written": "Skriftlig"}
_PLACEMENT_TYPE = {
    "arbeidspraksis": "arbeidspraksis",
    "sprakpraksis": "språkpraksis",
    "lonnstilskudd": "lønnstilskudd",
    "ordinar": "jobb",
    "laerling": "læreplass",
    "mentor": "mentorplass",
}
_RELATION = {
    "same_occupation": "Samme yrke",
    "same_unit_group": "Beslektet yrke (samme STYRK-08-gruppe)",
    "shared_essential_skills": "Beslektet yrke (felles kjerneferdigheter)",
    "same_minor_group": "Nærliggende yrke (samme yrkesområde i STYRK-08)",
}
_SOURCE = {
    "placement": "praksis",
    "experience": "erfaring",
    "desired": "ønsket yrke",
    "skills": "ferdigheter",
}
MAX_LISTED = 3


@dataclass(frozen=True, slots=True)
class LanguageCheck:
    """One Norwegian floor: the candidate's level against the need's minimum."""

    modality: str  # "oral" | "written"
    have: CEFR | None
    need: CEFR | None

    @property
    def met(self) -> bool:
        """Whether the floor is met (an unknown level never meets a floor)."""
        return self.need is None or (self.have is not None and self.have >= self.need)


@dataclass(frozen=True, slots=True)
class SkillCheck:
    """Required or preferred skills: which the candidate lists and which not."""

    kind: str  # "required" | "preferred"
    matched: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HistoryNote:
    """A placement worth mentioning."""

    kind: str  # "relevant" | "aborted_same_employer" | "ongoing_elsewhere" | "experience"
    outcome: str
    title: str
    year: int | None
    type: str | None = None
    years: float | None = None  # work experience: how long


@dataclass(slots=True)
class Explanation:
    """Facts behind one candidate's score for one need."""

    eligible: bool = True
    components: dict[str, float] = field(default_factory=dict)
    language: list[LanguageCheck] = field(default_factory=list)
    skills: list[SkillCheck] = field(default_factory=list)
    occupation: tuple[str, str, str] | None = None  # (relation, occupation label, source)
    history: list[HistoryNote] = field(default_factory=list)
    licence_missing: str | None = None
    district: tuple[str | None, str | None] | None = None  # (candidate, need)
    hours: tuple[float, float] | None = None  # (candidate max, need) when too few
    start_gap_days: int | None = None  # available this many days after the start
    not_registered: list[str] = field(default_factory=list)  # "skills", "norwegian", ...
    #: set when the need's title named no occupation: (source, occupation read from the text)
    need_read_as: tuple[str, str] | None = None


def _nb_number(value: float) -> str:
    """A number as Norwegian writes it: decimal comma, no trailing zeros ("37,5")."""
    return f"{value:g}".replace(".", ",")


def _level(level: CEFR | None) -> str:
    return level.name if level is not None else "ukjent"


def _listing(items: tuple[str, ...]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (", …" if len(items) > MAX_LISTED else "")


def render_reasons(exp: Explanation) -> list[str]:
    """Render an explanation as short Norwegian sentences, hard failures first.

    Examples
    --------
    >>> exp = Explanation(
    ...     language=[
    ...         LanguageCheck("oral", CEFR.B1, CEFR.A2),
    ...         LanguageCheck("written", None, CEFR.B1),
    ...     ],
    ...     skills=[
    ...         SkillCheck("required", ("truckførerbevis", "lagerstyring", "plukk"), ("ryddig",))
    ...     ],
    ...     history=[
    ...         HistoryNote("relevant", "completed", "lagermedarbeider", 2024, "arbeidspraksis")
    ...     ],
    ... )
    >>> render_reasons(exp)  # doctest: +NORMALIZE_WHITESPACE
    ['Skriftlig ukjent – krav B1', 'Muntlig B1 – krav A2 oppfylt',
     '3 av 4 påkrevde ferdigheter: truckførerbevis, lagerstyring, plukk',
     'Fullført arbeidspraksis som lagermedarbeider 2024']
    """
    hard: list[str] = []
    soft: list[str] = []
    for check in exp.language:
        if check.need is None:
            continue
        name = _MODALITY[check.modality]
        if check.met:
            soft.append(f"{name} {_level(check.have)} – krav {check.need.name} oppfylt")
        elif check.have is None:
            hard.append(f"{name} ukjent – krav {check.need.name}")
        else:
            hard.append(f"{name} {check.have.name} – under krav {check.need.name}")
    if exp.licence_missing:
        hard.append(f"Mangler førerkort klasse {exp.licence_missing}")

    if exp.need_read_as is not None:
        source, name = exp.need_read_as
        if source == "description" and name:
            soft.append(f"Fant ikke yrket i tittelen – lest som «{name}» fra teksten")
        else:
            soft.append("Fant ikke yrket i tittelen – rangert på tekst")
    if exp.occupation is not None:
        relation, label, source = exp.occupation
        soft.append(f"{_RELATION[relation]}: {label} ({_SOURCE.get(source, source)})")
    for check in exp.skills:
        total = len(check.matched) + len(check.missing)
        if not total:
            continue
        noun = "påkrevde" if check.kind == "required" else "ønskede"
        if check.matched:
            soft.append(
                f"{len(check.matched)} av {total} {noun} ferdigheter: {_listing(check.matched)}"
            )
        elif check.kind == "required" and "skills" not in exp.not_registered:
            soft.append(f"Ingen av {total} påkrevde ferdigheter registrert")

    for note in exp.history:
        year = f" {note.year}" if note.year else ""
        kind = _PLACEMENT_TYPE.get(note.type or "", "praksis")
        if note.kind == "experience":
            span = f" ({_nb_number(note.years)} år)" if note.years else ""
            soft.append(f"Erfaring som {note.title}{span}")
        elif note.kind == "aborted_same_employer":
            hard.append(f"Avbrutt {kind} hos samme arbeidsgiver{year}")
        elif note.kind == "ongoing_elsewhere":
            soft.append(f"I pågående {kind} som {note.title} (fra{year})")
        elif note.outcome == "hired":
            soft.append(f"Ansatt etter {kind} som {note.title}{year}")
        elif note.outcome == "completed":
            soft.append(f"Fullført {kind} som {note.title}{year}")
        elif note.outcome == "aborted":
            soft.append(f"Avbrutt {kind} som {note.title}{year}")

    if exp.district is not None:
        have, need = exp.district
        if have and need and have.casefold() == need.casefold():
            soft.append(f"Bor i bydel {have}")
        elif have and need:
            soft.append(f"Bor i bydel {have}, plassen er i {need}")
    if exp.hours is not None:
        have_h, need_h = exp.hours
        soft.append(f"Kan jobbe {_nb_number(have_h)} t/uke, plassen krever {_nb_number(need_h)}")
    if exp.start_gap_days:
        soft.append(f"Tilgjengelig {exp.start_gap_days} dager etter oppstart")

    missing = {
        "skills": "ingen ferdigheter",
        "norwegian": "ingen norsknivå",
        "history": "ingen praksishistorikk",
    }
    thin = [missing[k] for k in exp.not_registered if k in missing]
    if thin:
        soft.append("Tynn profil: " + ", ".join(thin) + " registrert")
    return hard + soft
