from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def rfi_text() -> str:
    """A real French article (RFI, 22 August 2023): Russian delegation in Benghazi."""
    return (DATA / "rfi-libye-russie-2023-08-22.txt").read_text(encoding="utf-8")
