"""Paths and texts shared by the rule tests (not a conftest: the top-level tests/conftest.py
is imported by name elsewhere, so this directory must not define another module of that name)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]

# A real French article (RFI, 22 August 2023): a Russian military delegation in Benghazi.
RFI_TEXT = (DATA / "rfi-libye-russie-2023-08-22.txt").read_text(encoding="utf-8")
