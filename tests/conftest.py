from __future__ import annotations

from pathlib import Path

import pytest

from coachbot.content.library import Library, load_library

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def library() -> Library:
    lib, problems = load_library()
    assert problems == []
    return lib
