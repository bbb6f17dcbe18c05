"""The bundled sample's reports equal the golden files in tests/expected/ (see tests/golden.py).

A failure here means a number or a label changed. If the change is deliberate, regenerate with
`python -m tests.golden` and list each changed number with its reason in the commit.
"""

from __future__ import annotations

import difflib

import pytest

from tests.golden import CASES, EXPECTED, Case, run_case, visible_text


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_sample_output_matches_golden_file(case: Case) -> None:
    expected = (EXPECTED / case.name).read_text(encoding="utf-8")
    actual = run_case(case)
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"expected/{case.name}", "now",
                                    lineterm="", n=1)
        pytest.fail("golden output changed (regenerate with `python -m tests.golden` only on purpose):\n"
                    + "\n".join(list(diff)[:60]))


def test_every_golden_file_belongs_to_a_case() -> None:
    names = {c.name for c in CASES}
    assert {p.name for p in EXPECTED.iterdir()} == names


def test_visible_text_drops_styles_scripts_and_charts() -> None:
    page = ("<html><head><title>t</title><style>p{}</style></head><body><h1>Report</h1>"
            "<svg><text>chart</text></svg><table><tr><th>A</th><td>1 &amp; 2</td></tr></table>"
            "<script>x()</script></body></html>")
    assert visible_text(page) == "Report\n| A | 1 & 2\n"
