"""Golden outputs: the bundled sample's reports under a few option sets, kept in tests/expected/.

Every number and label the sample's reports show is in these files, so a change to any of them
appears as a diff in review (tests/test_golden.py compares). Regenerate them only on purpose,
and list each changed number with its reason in the commit:

    python -m tests.golden            # rewrite tests/expected/ from the current code
    python -m tests.golden --check    # what the test does: exit 1 and name the files that differ

Each case is one real run of the CLI from the repository root (relative paths, so the JSON's
file names do not depend on where the repository lies). report.html is reduced to its visible
text (no styles, scripts or embedded charts), one text block per line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = Path(__file__).resolve().parent / "expected"
SAMPLE = "sample_data/calls.csv"
CONFIG = ("--config", "sample_data/slreport.toml")


@dataclass(frozen=True)
class Case:
    name: str  # file name under tests/expected/
    args: tuple[str, ...]  # analyze's arguments after the sample file
    html: bool = False  # write --out and keep report.html's visible text instead of stdout


CASES = (
    # The README's main job: every section, the sample's own per-company targets.
    Case("config.json", (*CONFIG, "-f", "json")),
    Case("config.md", (*CONFIG, "-f", "markdown")),
    Case("config.csv", (*CONFIG, "-f", "csv")),
    # No slreport.toml: one global target and method, always open, 15-minute intervals, staffing targets.
    Case("plain-ignore-15min.json", ("--tz", "Europe/Helsinki", "--sl", "90/30", "--sl-method", "ignore",
                                     "--short-abandon", "10", "--interval", "15", "--max-asa", "20",
                                     "--shrinkage", "0.3", "-f", "json")),
    # Groups below the company, FCR by repeat contacts, opening hours given on the command line.
    Case("by-queue-repeat.json", (*CONFIG, "--by", "company,queue", "--fcr-method", "repeat", "--fcr-window", "24h",
                                  "--opening-hours", "mon-fri 08:00-18:00", "-f", "json")),
    Case("by-queue-repeat.csv", (*CONFIG, "--by", "company,queue", "--fcr-method", "repeat", "--fcr-window", "24h",
                                 "--opening-hours", "mon-fri 08:00-18:00", "-f", "csv")),
    # A period of the sample, closed hours counted, positive method.
    Case("february-positive.json", (*CONFIG, "--period", "2026-02", "--sl-method", "positive", "--include-closed",
                                    "-f", "json")),
    Case("config.html.txt", CONFIG, html=True),
)


def run_case(case: Case) -> str:
    if not case.html:
        return _slreport("analyze", SAMPLE, *case.args)
    with tempfile.TemporaryDirectory(prefix="slreport-golden-") as tmp:
        out = Path(tmp) / "report"
        _slreport("analyze", SAMPLE, *case.args, "--out", str(out))
        return visible_text((out / "report.html").read_text(encoding="utf-8"))


def _slreport(*args: str) -> str:
    env = os.environ | {"PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "slreport", *args], cwd=ROOT, capture_output=True, env=env,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"slreport {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


class _TextOnly(HTMLParser):
    """The text a reader sees: no <style>, <script> or <svg> content, blocks on their own lines."""

    HIDDEN = {"style", "script", "svg", "head"}
    BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "table", "section", "header", "footer", "br",
              "caption", "figcaption", "dt", "dd", "summary", "details", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _TextOnly()
    parser.feed(page)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line.strip(" |")) + "\n"


def differences() -> list[str]:
    """Names of the golden files whose content the current code no longer produces."""
    return [case.name for case in CASES if _read(case.name) != run_case(case)]


def _read(name: str) -> str | None:
    path = EXPECTED / name
    return path.read_text(encoding="utf-8") if path.exists() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of rewriting")
    args = parser.parse_args()
    if args.check:
        changed = differences()
        for name in changed:
            print(f"differs: tests/expected/{name}")
        return 1 if changed else 0
    EXPECTED.mkdir(exist_ok=True)
    for case in CASES:
        (EXPECTED / case.name).write_text(run_case(case), encoding="utf-8")
        print(f"wrote tests/expected/{case.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
