"""Write `docs/safety/safety-case.md` from the hazard log, running every test the log names.

`make safety-case` runs this. The safety case is what a Clinical Safety Officer reads before
signing (DCB0129 style): which questionnaire it covers (version and content hash), every hazard
with its initial and residual risk and status, the reason a residual risk of 3 was accepted,
and, for each test the log names, whether it passed **in this run**. The sign-off table is left
blank for the clinic. Exit status 1 when a named test failed or did not run, so CI notices.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from scoring import load_questionnaire  # noqa: E402  (after the repository is on the path)

LOG = REPO / "docs" / "safety" / "hazard-log.md"
OUT = REPO / "docs" / "safety" / "safety-case.md"
QUESTIONNAIRES = REPO / "questionnaires"
NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)(?:\[[^\]`]*\])?`")
HAZARD_HEADING = re.compile(r"^## (H\d+): (.+)$", re.MULTILINE)
RISK = re.compile(r"\*\*(\d)\*\*")


@dataclass
class Hazard:
    """One hazard as the log states it."""

    id: str
    title: str
    body: str
    tests: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        """The text of the `- **name**: ...` bullet (continuation lines joined), or ""."""
        match = re.search(rf"^- \*\*{re.escape(name)}\*\*: (.*?)(?=^- \*\*|\Z)", self.body, re.MULTILINE | re.DOTALL)
        return " ".join(match.group(1).split()) if match else ""

    def risk(self, name: str) -> str:
        match = RISK.search(self.line(name))
        return match.group(1) if match else "?"


def hazards(text: str) -> list[Hazard]:
    """Every `## Hnn: title` section of the log, with the tests its controls name."""
    headings = list(HAZARD_HEADING.finditer(text))
    ends = [match.start() for match in headings[1:]] + [len(text)]
    found = []
    for match, end in zip(headings, ends, strict=True):
        body = text[match.end():end]
        tests = list(dict.fromkeys(f"{path}::{name}" for path, name in NODE_ID.findall(body)))
        found.append(Hazard(match.group(1), match.group(2).strip(), body, tests))
    return found


def run_tests(node_ids: list[str], junit: Path) -> None:
    """Run the named tests once (pytest decides pass/fail/skip); results land in `junit`."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *node_ids]
    subprocess.run(command, cwd=REPO, check=False)  # noqa: S603  (our own interpreter and test ids)


def outcomes(junit: Path) -> dict[str, str]:
    """`path::name` (parameters folded together) -> passed | failed | skipped.

    A test with several parameter sets passes only when every set passed; any failure or error
    fails it; all skipped is skipped.
    """
    results: dict[str, list[str]] = {}
    if not junit.exists():
        return {}
    for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314  (pytest's own file)
        classname, name = case.get("classname", ""), case.get("name", "")
        parts = classname.split(".")
        # classname is "tests.scoring.test_cli" or "tests.scoring.test_cli.TestClass".
        module_parts = parts
        klass = ""
        if parts and parts[-1][:1].isupper():
            module_parts, klass = parts[:-1], parts[-1]
        path = "/".join(module_parts) + ".py"
        base = name.split("[", 1)[0]
        node = f"{path}::{klass + '::' if klass else ''}{base}"
        if case.find("failure") is not None or case.find("error") is not None:
            state = "failed"
        elif case.find("skipped") is not None:
            state = "skipped"
        else:
            state = "passed"
        results.setdefault(node, []).append(state)
    return {
        node: "failed" if "failed" in states else "passed" if "passed" in states and "skipped" not in states
        else "skipped" if set(states) == {"skipped"} else "partly skipped"
        for node, states in results.items()
    }


def questionnaire_lines() -> list[str]:
    lines = []
    for path in sorted(QUESTIONNAIRES.glob("*.yaml")):
        questionnaire = load_questionnaire(path)
        lines.append(f"| `{path.relative_to(REPO)}` | {questionnaire.id} | {questionnaire.version} "
                     f"| `{questionnaire.content_hash}` |")
    return lines


def git_commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,  # noqa: S607
                              check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def render(log: list[Hazard], results: dict[str, str], when: dt.datetime) -> str:
    """The safety case as Markdown."""
    named = sorted({test for hazard in log for test in hazard.tests})
    passed = sum(results.get(test) == "passed" for test in named)
    out = [
        "# Clinical safety case — CRPS symptom screen",
        "",
        "Generated by `make safety-case` (`docs/safety/safety_case.py`) from `docs/safety/hazard-log.md`;",
        "do not edit by hand. It is **not signed off** until the clinic's Clinical Safety Officer signs below.",
        "",
        f"- Generated: {when.strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Source commit: `{git_commit()}`",
        f"- Hazards: {len(log)}; open: {sum(h.line('Status').startswith('open') for h in log)}",
        f"- Tests named by the log: {len(named)}; passed in this run: {passed}; "
        f"not passed: {len(named) - passed}",
        "",
        "## Questionnaires covered",
        "",
        "| file | id | version | content hash (SHA-256) |",
        "|---|---|---|---|",
        *questionnaire_lines(),
        "",
        "## Hazards and residual risk",
        "",
        "| hazard | title | initial | residual | status | named tests passed |",
        "|---|---|---|---|---|---|",
    ]
    for hazard in log:
        ok = sum(results.get(test) == "passed" for test in hazard.tests)
        status = hazard.line("Status").split(" (")[0] or "?"
        out.append(f"| {hazard.id} | {hazard.title} | {hazard.risk('Initial risk')} | {hazard.risk('Residual risk')} "
                   f"| {status} | {ok} of {len(hazard.tests)} |")
    out += ["", "## Residual risks of 3, and why they are accepted", ""]
    for hazard in log:
        if hazard.risk("Residual risk") == "3":
            reason = hazard.line("Residual risk accepted because") or "**NO REASON GIVEN**"
            out.append(f"- **{hazard.id}** ({hazard.title}): {reason}")
    out += ["", "## Test evidence, hazard by hazard", ""]
    for hazard in log:
        out += [f"### {hazard.id}: {hazard.title}", "",
                f"Residual risk: {hazard.line('Residual risk')}", ""]
        out += [f"- {results.get(test, 'did not run')}: `{test}`" for test in hazard.tests]
        out.append("")
    out += [
        "## Sign-off",
        "",
        "| Role | Name | Date | Signature |",
        "|---|---|---|---|",
        "| Clinical Safety Officer (clinic) | | | |",
        "| Developer responsible for the release | | | |",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the safety case")
    parser.add_argument("--junit", type=Path, help="read results from this JUnit file instead of running the tests")
    args = parser.parse_args(argv)
    log = hazards(LOG.read_text(encoding="utf-8"))
    named = sorted({test for hazard in log for test in hazard.tests})
    if args.junit:
        results = outcomes(args.junit)
    else:
        with tempfile.TemporaryDirectory() as folder:
            junit = Path(folder) / "safety-tests.xml"
            run_tests(named, junit)
            results = outcomes(junit)
    args.out.write_text(render(log, results, dt.datetime.now(dt.UTC)), encoding="utf-8")
    missing = [test for test in named if results.get(test) != "passed"]
    print(f"{args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}: "
          f"{len(log)} hazards, {len(named) - len(missing)} of {len(named)} named tests passed")
    for test in missing:
        print(f"  not passed: {test} ({results.get(test, 'did not run')})")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
