"""Docs from code: every profile and every reject/ignore reason is documented in docs/ingest.md."""

from __future__ import annotations

from pathlib import Path

from slreport import ingest
from slreport.ingest.reasons import IGNORE_REASONS, REJECT_REASONS

DOC = (Path(__file__).resolve().parent.parent / "docs" / "ingest.md").read_text(encoding="utf-8")


def test_every_profile_is_documented():
    for name in ingest.PROFILES:
        assert f"`{name}`" in DOC, name


def test_every_reason_is_documented_with_a_fix():
    for code, (meaning, fix) in REJECT_REASONS.items():
        assert f"`{code}`" in DOC, code
        assert meaning and fix
    for code, meaning in IGNORE_REASONS.items():
        assert f"`{code}`" in DOC, code
        assert meaning
