"""Dependencies point one way; `scoring/` stays pure (STYLE.md practice 2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_SCORING = {"streamlit", "sqlalchemy", "reportlab", "storage", "report", "ui", "access"}
# The engine itself (everything but the CLI's batch verb) may use only the stdlib and PyYAML.
PURE_CORE_ALLOWED = {"yaml", "scoring", "__future__"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules("scoring"), ids=lambda p: p.name)
def test_scoring_imports_no_ui_database_or_pdf(path: Path) -> None:
    assert imported_roots(path) & FORBIDDEN_IN_SCORING == set()


@pytest.mark.parametrize(
    "path", [p for p in modules("scoring") if p.name not in {"batch.py", "cli.py", "__main__.py"}],
    ids=lambda p: p.name,
)
def test_scoring_core_is_stdlib_and_yaml_only(path: Path) -> None:
    import sys

    third_party = {root for root in imported_roots(path) if root not in sys.stdlib_module_names}
    assert third_party <= PURE_CORE_ALLOWED


@pytest.mark.parametrize("package", ["report", "storage", "access", "alerts"])
def test_core_packages_import_no_streamlit(package: str) -> None:
    for path in modules(package):
        assert "streamlit" not in imported_roots(path), path


def test_only_storage_touches_the_database() -> None:
    for path in REPO.glob("*/**/*.py"):
        relative = path.relative_to(REPO)
        if relative.parts[0] in {"storage", "tests", "bench", ".venv"}:
            continue
        assert "sqlalchemy" not in imported_roots(path), relative
        assert "sqlite3" not in imported_roots(path), relative


def test_app_py_only_wires() -> None:
    source = (REPO / "app.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) < 60
    assert imported_roots(REPO / "app.py") <= {"streamlit", "scoring", "ui", "logging"}


# Rules that package docstrings state, checked here so they cannot drift (STYLE.md practice 2).
DOCSTRING_RULES = [
    # (package, modules left out, imports it must never make, why)
    ("ui/patient", set(), {"report", "sqlalchemy"}, "patients get no PDF; only storage touches the database"),
    ("ui/patient", {"urgent.py"}, {"access"}, "only the urgent screen checks the kiosk staff code (issue 9)"),
    ("report", {"__main__.py"}, {"storage", "streamlit", "ui"}, "the PDF is a pure function of the result"),
    ("access", set(), {"streamlit", "ui", "report", "sqlalchemy"}, "sign-in rules hold without a web page"),
    ("storage", set(), {"streamlit", "ui", "report", "access"}, "storage is below everything else"),
    ("speech", set(), {"streamlit", "ui", "storage", "sqlalchemy", "report", "access"},
     "read-aloud audio is made from static text only, without a page or the database"),
]


@pytest.mark.parametrize(("package", "leave_out", "forbidden", "why"), DOCSTRING_RULES, ids=lambda v: str(v))
def test_packages_keep_their_documented_boundaries(package: str, leave_out: set[str], forbidden: set[str],
                                                    why: str) -> None:
    for path in (p for p in modules(package) if p.name not in leave_out):
        assert imported_roots(path) & forbidden == set(), f"{path.relative_to(REPO)}: {why}"


def test_nothing_below_ui_imports_ui() -> None:
    for package in ("scoring", "storage", "report", "access"):
        for path in modules(package):
            assert "ui" not in imported_roots(path), path.relative_to(REPO)


def test_public_surface_of_scoring() -> None:
    import scoring

    assert sorted(scoring.__all__) == sorted(
        name for name in dir(scoring) if not name.startswith("_") and name not in {
            "engine", "loader", "model", "cli", "batch", "wording", "fhir", "safe_text",
            "red_flag_history",  # issue 16: kept red-flag answers (a module, not a name)
            "matching", "flow", "escalation",
            "examination", "accuracy",  # issue 18: imported by name (scoring.examination, scoring.accuracy)
        }
    )


# Issue 16: one owner for every rule about answers and red flags. `scoring.matching` matches
# answers (`holds`, `raises`, `read_red_flags`) and ranks levels (`most_severe`);
# `scoring.model` lists the levels (`RED_FLAG_LEVELS`). 1.1 had five copies of the condition
# check and a second level order in storage that disagreed with scoring's.
LEVEL_NAMES = {"emergency", "same_day", "talk_now"}
MATCHING_FUNCTIONS = {"holds", "_holds", "raises", "_hits", "_possible", "most_severe", "most_urgent",
                      "_most_severe", "read_red_flags"}
MATCHING_DATA = {"urgent_if", "any_of"}
# Inside scoring: the loader builds conditions and red flags, the FHIR export writes them out;
# only `matching` compares an answer with them.
SCORING_READERS_OF_MATCHING_DATA = {"matching.py", "_items.py", "_rules.py", "loader.py", "questionnaire.py",
                                    "model.py"}


def _level_orders(tree: ast.AST) -> list[int]:
    """Lines holding a tuple/list/set literal of two or more level names: an order of levels."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            names = {elt.value for elt in node.elts if isinstance(elt, ast.Constant) and isinstance(elt.value, str)}
            if len(names & LEVEL_NAMES) >= 2:
                found.append(node.lineno)
    return found


def _outside_scoring() -> list[Path]:
    return [path for path in REPO.glob("*/**/*.py")
            if path.relative_to(REPO).parts[0] not in {"scoring", "tests", "bench", ".venv"}]


@pytest.mark.parametrize("path", _outside_scoring(), ids=lambda p: str(p.relative_to(REPO)))
def test_only_scoring_defines_red_flag_levels_and_answer_matching(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(REPO)
    assert _level_orders(tree) == [], f"{relative}: a list of red-flag levels; use scoring.RED_FLAG_LEVELS"
    defined = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert defined & MATCHING_FUNCTIONS == set(), f"{relative}: answer matching belongs in scoring.matching"
    read = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert read & MATCHING_DATA == set(), f"{relative}: compares answers with conditions; use scoring.holds/raises"


def test_inside_scoring_only_matching_compares_answers() -> None:
    for path in modules("scoring"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        read = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        if path.name not in SCORING_READERS_OF_MATCHING_DATA:
            assert read & MATCHING_DATA == set(), path.relative_to(REPO)
        if path.name != "model.py":
            assert _level_orders(tree) == [], path.relative_to(REPO)


def test_storage_uses_scorings_levels_and_order() -> None:
    import scoring
    import storage
    import storage.records

    assert storage.RED_FLAG_LEVELS is scoring.RED_FLAG_LEVELS
    assert storage.records.most_severe is scoring.most_severe
    assert storage.records.most_severe("same_day", "talk_now") == "talk_now"  # 1.1 stored same_day


def test_storage_modules_share_only_public_names() -> None:
    """One storage shape: modules of functions that share public helpers (`storage.audit.write`,
    `storage.engine.aware`, ...); 1.1's staff and alert modules imported `_audit` and `_aware`."""
    for path in modules("storage"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "storage":
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                assert private == [], f"{path.relative_to(REPO)} imports {private} from {node.module}"
