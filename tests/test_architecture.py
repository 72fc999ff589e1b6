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
    ("ui/patient", {"urgent.py"}, {"access"}, "only the urgent screen checks the kiosk staff code"),
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
            "red_flag_history",  # kept red-flag answers (a module, not a name)
            "matching", "flow", "escalation",
            "examination", "accuracy",  # imported by name (scoring.examination, scoring.accuracy)
        }
    )


# One owner for every rule about answers and red flags. `scoring.matching` matches
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


# No import circles: a module that imports a page which imports it back works only in the order
# Python happens to load them (1.1 hid ui/coordinator's behind imports inside functions).
# Counted: every import that runs (at the top or inside a function); not `if TYPE_CHECKING:`.
PROJECT_PACKAGES = ("access", "alerts", "bench", "report", "scoring", "speech", "storage", "tests", "ui")
CIRCLES_TO_BREAK = (
    # Known on 2026-12-05, each inside one package, left to the helpers reshaping those modules
    #: any other circle, or one of these reaching out of its set, fails.
    frozenset({"scoring.loader", "scoring._questions_seen"}),
)


def import_circles(*packages: str) -> list[tuple[str, ...]]:
    """Each import whose target imports the importer back, as the circle it closes."""
    import grimp

    graph = grimp.build_graph(*packages, exclude_type_checking_imports=True, cache_dir=None)
    circles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                circles.append((importer, *back))
    return circles


def test_circle_finder_counts_imports_in_functions_not_type_checking(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "pages.py").write_text("from circle import header, leaf\n")
    (package / "header.py").write_text("def render():\n    from circle import pages\n")
    (package / "leaf.py").write_text("from typing import TYPE_CHECKING\n"
                                     "if TYPE_CHECKING:\n    from circle import pages\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert sorted(import_circles("circle")) == [("circle.header", "circle.pages", "circle.header"),
                                                ("circle.pages", "circle.header", "circle.pages")]


def test_no_import_circles() -> None:
    circles = import_circles(*PROJECT_PACKAGES)
    unexpected = [circle for circle in circles if not any(set(circle) <= known for known in CIRCLES_TO_BREAK)]
    assert unexpected == [], "import circles (a leaf module breaks one, as ui/coordinator/nav.py does): " + "; ".join(
        " -> ".join(circle) for circle in unexpected)


# Role names have one owner, `access.roles.Role`; storage sits below access and checks the same list.
ROLE_WORDS = {"coordinator", "admin"}  # "clinician" is also the staff copy of the PDF (report.Variant)


def test_role_names_are_written_once() -> None:
    from access.roles import ROLES, Role
    from storage.staff import ROLES as STORED_ROLES

    assert STORED_ROLES == ROLES == ("coordinator", "admin", "clinician")
    paths = [p for p in (*modules("access"), *modules("ui"), *modules("alerts"), *modules("bench"), REPO / "app.py")
             if p != REPO / "access" / "roles.py"]
    written = [(str(path.relative_to(REPO)), node.lineno) for path in paths
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Constant) and (node.value in ROLE_WORDS or (
                   node.value == Role.CLINICIAN and path.parent.name == "access"))]
    assert written == [], "a role name written out; use access.roles.Role"
