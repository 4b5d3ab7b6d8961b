"""Typed profiles for placement needs and candidates, parsed and validated from plain dicts.

The dict format is the one in ``contracts/matching.md``; the web app builds the same dicts from
its database rows and calls :func:`parse_vacancy` / :func:`parse_candidate`, so the command
line and the app share one validator.  Unknown fields are ignored.  Fields that must never
influence a match (gender, birth year, age, country of origin, religion) are not even read.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CEFR",
    "PlacementType",
    "Outcome",
    "NorwegianLevel",
    "Experience",
    "Placement",
    "Vacancy",
    "Candidate",
    "ValidationError",
    "parse_vacancy",
    "parse_candidate",
    "read_jsonl",
]


class CEFR(enum.IntEnum):
    """Common European Framework of Reference levels, ordered (A1 < A2 < … < C2).

    Examples
    --------
    >>> CEFR.parse("b1") > CEFR.A2
    True
    >>> CEFR.parse("D1")
    Traceback (most recent call last):
    ...
    ValueError: unknown CEFR level 'D1' (expected A1, A2, B1, B2, C1 or C2)
    """

    A1 = 1
    A2 = 2
    B1 = 3
    B2 = 4
    C1 = 5
    C2 = 6

    @classmethod
    def parse(cls, value: str) -> CEFR:
        """Return the level named by ``value`` (upper or lower case)."""
        try:
            return cls[value.strip().upper()]
        except (KeyError, AttributeError):
            raise ValueError(
                f"unknown CEFR level {value!r} (expected A1, A2, B1, B2, C1 or C2)"
            ) from None


class PlacementType(enum.Enum):
    """Kinds of placement need (``type`` in the contract)."""

    ARBEIDSPRAKSIS = "arbeidspraksis"
    SPRAKPRAKSIS = "sprakpraksis"
    LONNSTILSKUDD = "lonnstilskudd"
    ORDINAR = "ordinar"
    LAERLING = "laerling"
    MENTOR = "mentor"


class Outcome(enum.Enum):
    """Outcome of a placement in a candidate's history."""

    ONGOING = "ongoing"
    COMPLETED = "completed"
    HIRED = "hired"
    ABORTED = "aborted"


class ValidationError(ValueError):
    """A record that does not follow the contract.

    Parameters
    ----------
    line : int or None
        1-based line number in the JSON Lines file (None for in-memory records).
    field : str
        Dotted path of the offending field, e.g. ``norwegian.oral`` or ``placements[1].outcome``.
    message : str
        What is wrong, in plain words.
    """

    def __init__(self, line: int | None, field: str, message: str) -> None:
        self.line = line
        self.field = field
        self.message = message
        where = f"line {line}, " if line is not None else ""
        super().__init__(f"{where}field '{field}': {message}")


@dataclass(frozen=True, slots=True)
class NorwegianLevel:
    """Oral and written Norwegian as CEFR levels; ``None`` means unknown."""

    oral: CEFR | None = None
    written: CEFR | None = None


@dataclass(frozen=True, slots=True)
class Experience:
    """A line of work experience."""

    title: str
    years: float | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """A past or ongoing placement in the candidate's history."""

    employer: str | None = None
    title: str | None = None
    occupation: str | None = None
    type: PlacementType | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    outcome: Outcome | None = None


@dataclass(frozen=True, slots=True)
class Vacancy:
    """A placement need (behov): what the employer asks for.

    ``employer`` is an optional extension of the contract: when set, an aborted placement with
    the same employer in a candidate's history lowers the match.
    """

    id: str
    title: str
    type: PlacementType | None = None
    occupation: str | None = None
    description: str | None = None
    skills_required: tuple[str, ...] = ()
    skills_preferred: tuple[str, ...] = ()
    norwegian_min: NorwegianLevel = field(default_factory=NorwegianLevel)
    district: str | None = None
    driving_licence: str | None = None
    hours_per_week: float | None = None
    start_date: dt.date | None = None
    employer: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A job candidate's profile as far as matching needs it (no personal characteristics)."""

    id: str
    skills: tuple[str, ...] = ()
    summary: str | None = None
    experience: tuple[Experience, ...] = ()
    desired_occupations: tuple[str, ...] = ()
    norwegian: NorwegianLevel = field(default_factory=NorwegianLevel)
    placements: tuple[Placement, ...] = ()
    district: str | None = None
    driving_licence: tuple[str, ...] = ()
    max_hours_per_week: float | None = None
    available_from: dt.date | None = None


# --- field readers -------------------------------------------------------------------------


class _Reader:
    """Reads typed fields from one record, raising :class:`ValidationError` with context."""

    def __init__(self, record: Any, line: int | None, prefix: str = "") -> None:
        if not isinstance(record, Mapping):
            raise ValidationError(line, prefix or "record", "expected a JSON object")
        self.record = record
        self.line = line
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def fail(self, key: str, message: str) -> ValidationError:
        return ValidationError(self.line, self.name(key), message)

    def get(self, key: str) -> Any:
        return self.record.get(key)

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is required")
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {_json_type(value)}")
        if required and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def number(self, key: str) -> float | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"expected a number, got {_json_type(value)}")
        if not math.isfinite(value) or value < 0:
            raise self.fail(key, f"expected a non-negative number, got {value!r}")
        return float(value)

    def date(self, key: str) -> dt.date | None:
        value = self.string(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise self.fail(key, f"expected an ISO date (YYYY-MM-DD), got {value!r}") from None

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list of strings, got {_json_type(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.fail(f"{key}[{i}]", f"expected a string, got {_json_type(item)}")
        return tuple(v for v in value if v.strip())

    def objects(self, key: str) -> list[_Reader]:
        value = self.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list of objects, got {_json_type(value)}")
        return [_Reader(item, self.line, self.name(f"{key}[{i}]")) for i, item in enumerate(value)]

    def enum(self, key: str, kind: type[enum.Enum]) -> Any:
        value = self.string(key)
        if value is None:
            return None
        try:
            return kind(value.strip().lower())
        except ValueError:
            allowed = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
            raise self.fail(key, f"unknown value {value!r} (expected one of: {allowed})") from None

    def norwegian(self, key: str) -> NorwegianLevel:
        value = self.get(key)
        if value is None:
            return NorwegianLevel()
        sub = _Reader(value, self.line, self.name(key)) if isinstance(value, Mapping) else None
        if sub is None:
            raise self.fail(
                key, f'expected an object like {{"oral": "B1"}}, got {_json_type(value)}'
            )
        levels = {}
        for part in ("oral", "written"):
            raw = sub.string(part)
            if raw is None or not raw.strip():
                levels[part] = None
                continue
            try:
                levels[part] = CEFR.parse(raw)
            except ValueError as exc:
                raise sub.fail(part, str(exc)) from None
        return NorwegianLevel(**levels)


def _json_type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "an object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def parse_vacancy(record: Any, line: int | None = None) -> Vacancy:
    """Validate a placement-need dict (contract format) and return a :class:`Vacancy`.

    Parameters
    ----------
    record : mapping
        One placement need as in ``contracts/matching.md``; unknown keys are ignored.
    line : int, optional
        Line number to name in errors.

    Raises
    ------
    ValidationError
        On a missing ``id``/``title``, a wrong type, an unknown enum value or CEFR level.

    Examples
    --------
    >>> v = parse_vacancy({"id": "v1", "title": "Lager", "norwegian_min": {"oral": "a2"}})
    >>> v.norwegian_min.oral
    <CEFR.A2: 2>
    >>> parse_vacancy({"title": "Lager"}, line=4)
    Traceback (most recent call last):
    ...
    matching.profiles.ValidationError: line 4, field 'id': is required
    """
    r = _Reader(record, line)
    licence = r.string("driving_licence")
    return Vacancy(
        id=r.string("id", required=True),  # type: ignore[arg-type]
        title=r.string("title", required=True),  # type: ignore[arg-type]
        type=r.enum("type", PlacementType),
        occupation=r.string("occupation"),
        description=r.string("description"),
        skills_required=r.strings("skills_required"),
        skills_preferred=r.strings("skills_preferred"),
        norwegian_min=r.norwegian("norwegian_min"),
        district=r.string("district"),
        driving_licence=licence.strip().upper() if licence and licence.strip() else None,
        hours_per_week=r.number("hours_per_week"),
        start_date=r.date("start_date"),
        employer=r.string("employer"),
    )


def parse_candidate(record: Any, line: int | None = None) -> Candidate:
    """Validate a candidate dict (contract format) and return a :class:`Candidate`.

    Personal characteristics (gender, birth year, age, country of origin, religion) are
    never read.

    Examples
    --------
    >>> c = parse_candidate({"id": "c1", "skills": ["truckførerbevis"], "gender": "kvinne",
    ...                      "norwegian": {"oral": "B1"}})
    >>> c.skills, c.norwegian.oral.name, c.norwegian.written
    (('truckførerbevis',), 'B1', None)
    """
    r = _Reader(record, line)
    experience = []
    for sub in r.objects("experience"):
        title = sub.string("title", required=True)
        experience.append(Experience(title=title, years=sub.number("years")))  # type: ignore[arg-type]
    placements = []
    for sub in r.objects("placements"):
        placements.append(
            Placement(
                employer=sub.string("employer"),
                title=sub.string("title"),
                occupation=sub.string("occupation"),
                type=sub.enum("type", PlacementType),
                start=sub.date("start"),
                end=sub.date("end"),
                outcome=sub.enum("outcome", Outcome),
            )
        )
    return Candidate(
        id=r.string("id", required=True),  # type: ignore[arg-type]
        skills=r.strings("skills"),
        summary=r.string("summary"),
        experience=tuple(experience),
        desired_occupations=r.strings("desired_occupations"),
        norwegian=r.norwegian("norwegian"),
        placements=tuple(placements),
        district=r.string("district"),
        driving_licence=tuple(x.strip().upper() for x in r.strings("driving_licence")),
        max_hours_per_week=r.number("max_hours_per_week"),
        available_from=r.date("available_from"),
    )


def read_jsonl(lines: Iterable[str], parse: Any) -> Iterator[Any]:
    """Parse JSON Lines with ``parse`` (e.g. :func:`parse_candidate`), naming the line on errors.

    Blank lines are skipped; duplicate ids are an error.

    Examples
    --------
    >>> [c.id for c in read_jsonl(['{"id": "a"}', '', '{"id": "b"}'], parse_candidate)]
    ['a', 'b']
    >>> list(read_jsonl(['{"id": "a"}', '{"id": '], parse_candidate))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    matching.profiles.ValidationError: line 2, field 'record': malformed JSON: ...
    """
    seen: set[str] = set()
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(number, "record", f"malformed JSON: {exc.msg}") from None
        item = parse(record, number)
        if item.id in seen:
            raise ValidationError(number, "id", f"duplicate id {item.id!r}")
        seen.add(item.id)
        yield item
