"""Shared fixtures for the matcher's unit tests (no Flask app is ever built here)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DEV_SET = REPO.parent / "shared" / "eval" / "dev"
REFERENCE_DATE = dt.date(2026, 6, 1)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (where ``python -m matching`` must run)."""
    return REPO


@pytest.fixture(scope="session")
def taxonomy():
    """The shipped taxonomy (loaded once per test session)."""
    from matching.taxonomy import load_taxonomy

    return load_taxonomy()


@pytest.fixture
def make_candidate():
    """Return a factory for candidate dicts in the contract format."""

    def make(cid: str = "c1", **overrides):
        record = {
            "id": cid,
            "skills": [],
            "norwegian": {"oral": "B1", "written": "B1"},
            "district": "Alna",
            "driving_licence": [],
            "max_hours_per_week": 37.5,
            "available_from": "2026-05-01",
        }
        record.update(overrides)
        return record

    return make


@pytest.fixture
def make_need():
    """Return a factory for placement-need dicts in the contract format."""

    def make(vid: str = "v1", **overrides):
        record = {
            "id": vid,
            "title": "Lagermedarbeider",
            "type": "arbeidspraksis",
            "norwegian_min": {"oral": "A2"},
            "district": "Alna",
            "hours_per_week": 30,
            "start_date": "2026-08-01",
        }
        record.update(overrides)
        return record

    return make


@pytest.fixture
def rank(make_need):
    """Fit a ranker on candidate dicts and rank one need; return {candidate_id: Match}."""
    from matching import CandidateRanker

    def run(candidates, need=None, top=50, **kwargs):
        ranker = CandidateRanker(reference_date=REFERENCE_DATE, **kwargs).fit(candidates)
        ranking = ranker.rank(need or make_need(), top=top)
        return ranking

    return run
