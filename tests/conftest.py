"""Shared fixtures: one loaded pipeline for the whole test session (loading spaCy is slow)."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "corpus" / "seed-csto-2019-09.txt"
SEED_GOLD = SHARED / "gold" / "dev" / "seed-csto-2019-09.json"


@pytest.fixture(scope="session")
def extractor():
    from communique.extract import Extractor
    return Extractor()


@pytest.fixture(scope="session")
def seed_gold_path():
    if not SEED_GOLD.exists():
        pytest.skip("shared/gold is not beside the repository")
    return SEED_GOLD
