"""The command line: `validate`, `score`, `batch` and `fhir-questionnaire`. Errors are one short
line on stderr, exit 2.

No traceback ever reaches the user: every expected failure is a `QuestionnaireError`,
`AnswersInvalid`, `ResponseInvalid`, `BatchInputError` or `CommandError`, each worded to name
the file, item or column at fault, with control characters escaped and long lists cut short.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scoring.batch import BatchInputError, parse_json, problems_line, score_csv, score_ndjson
from scoring.engine import AnswersInvalid, score
from scoring.fhir.names import checked_base_url
from scoring.fhir.questionnaire import FhirExportError, questionnaire_resource
from scoring.fhir.reading import ResponseInvalid, answers_from_response, is_in_progress, is_questionnaire_response
from scoring.loader import QuestionnaireError, load_questionnaire
from scoring.matching import flags_line, read_red_flags
from scoring.model import Questionnaire
from scoring.safe_text import printable
from settings import Settings, SettingsError, load_settings

MAX_ANSWERS_BYTES = 1_000_000
"""An answer file (flat JSON or one QuestionnaireResponse) larger than this is refused."""
NDJSON_SUFFIXES = (".ndjson", ".jsonl")


class CommandError(Exception):
    """A problem with the command's input files; the message is one line for the user."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.answers_name = ""
    try:
        code: int = args.run(args)
        return code
    except QuestionnaireError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    except AnswersInvalid as exc:
        print(_with_flags(f"{args.answers_name}: {problems_line(exc)}", flags_line(exc.red_flags)), file=sys.stderr)
    except ResponseInvalid as exc:
        print(_with_flags(f"{args.answers_name}: {exc}", flags_line(exc.red_flags)), file=sys.stderr)
    except (CommandError, BatchInputError, FhirExportError) as exc:
        print(str(exc), file=sys.stderr)
    return 2


def _with_flags(message: str, flags: str) -> str:
    """A refusal never hides urgency: the red flags the raw answers raise end the one line."""
    return f"{message}; {flags}" if flags else message


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring", description="CRPS symptom screen: questionnaires and scoring."
    )
    verbs = parser.add_subparsers(dest="verb", required=True)

    validate = verbs.add_parser("validate", help="check questionnaire files")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=_validate)

    one = verbs.add_parser(
        "score", help="score one answer file (flat JSON or a FHIR QuestionnaireResponse) and print the result"
    )
    one.add_argument("--questionnaire", metavar="FILE", help=_QUESTIONNAIRE_HELP)
    one.add_argument("--answers", required=True, metavar="FILE|-", help="JSON object, or - for stdin")
    one.add_argument("--language", default=None, help="language of the reasons (default: the first)")
    one.add_argument("--base-url", metavar="URL", help=_BASE_URL_HELP)
    one.set_defaults(run=_score)

    batch = verbs.add_parser(
        "batch", help="score a CSV of respondents, or NDJSON (.ndjson) of QuestionnaireResponses, into a CSV"
    )
    batch.add_argument("--questionnaire", metavar="FILE", help=_QUESTIONNAIRE_HELP)
    batch.add_argument("--input", required=True, metavar="CSV|NDJSON")
    batch.add_argument("--output", required=True, metavar="CSV")
    batch.add_argument("--base-url", metavar="URL", help=_BASE_URL_HELP)
    batch.set_defaults(run=_batch)

    export = verbs.add_parser("fhir-questionnaire", help="print the questionnaire as a FHIR R4 Questionnaire (JSON)")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--base-url", metavar="URL", help=_BASE_URL_HELP)
    export.set_defaults(run=_fhir_questionnaire)
    return parser


_BASE_URL_HELP = "base of the FHIR canonical URLs (default: the FHIR_BASE_URL setting, else urn:crps-screen:)"
_QUESTIONNAIRE_HELP = "questionnaire YAML (default: the QUESTIONNAIRE setting)"


def _settings() -> Settings:
    """The app's settings (environment, then .streamlit/secrets.toml); a bad one is one line, exit 2."""
    try:
        return load_settings()
    except SettingsError as exc:
        raise CommandError(str(exc)) from None


def _questionnaire_path(args: argparse.Namespace) -> str:
    return str(args.questionnaire) if args.questionnaire is not None else str(_settings().questionnaire)


def _validate(args: argparse.Namespace) -> int:
    problems: list[str] = []
    for name in args.files:
        try:
            load_questionnaire(name)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"ok: {len(args.files)} file(s) valid", file=sys.stderr)
    return 2 if problems else 0


def _score(args: argparse.Namespace) -> int:
    args.answers_name = "<stdin>" if args.answers == "-" else printable(args.answers, 200)
    questionnaire = load_questionnaire(_questionnaire_path(args))
    document = _read_answers(args.answers, sys.stdin)
    language, partial = args.language, False
    if is_questionnaire_response(document):
        answers = answers_from_response(questionnaire, document, base_url=_base_url(args))
        given = document.get("language")
        language = language or (given if given in questionnaire.languages else None)
        partial = is_in_progress(document)  # saved at a red flag: the answers so far
    else:
        answers = _flat_answers(questionnaire, document, args.answers_name)
    result = score(questionnaire, answers, language, partial=partial)
    json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _flat_answers(questionnaire: Questionnaire, document: dict[str, object], label: str) -> dict[str, object]:
    """The answers of a flat JSON file; its optional `questionnaire_version` must be this one's."""
    answers = dict(document)
    if "questionnaire_version" not in answers:
        return answers
    given = answers.pop("questionnaire_version")
    if given != questionnaire.version:
        raise CommandError(_with_flags(
            f"{label}: questionnaire_version {printable(given)} is not {questionnaire.version} "
            "(score it with that version's file)",
            flags_line(read_red_flags(questionnaire, answers)),
        ))
    return answers


def _read_answers(name: str, stdin: TextIO) -> dict[str, object]:
    label = "<stdin>" if name == "-" else printable(name, 200)
    try:
        text = stdin.read(MAX_ANSWERS_BYTES + 1) if name == "-" else _read_capped(Path(name))
        answers = parse_json(text, MAX_ANSWERS_BYTES)
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{label}: cannot read answers: {printable(exc, 120)}") from None
    except ValueError as exc:
        raise CommandError(f"{label}: {exc}") from None
    if not isinstance(answers, dict):
        raise CommandError(f"{label}: answers must be a JSON object {{item_id: answer}} or a QuestionnaireResponse")
    return answers


def _read_capped(path: Path) -> str:
    with path.open("rb") as handle:
        data = handle.read(MAX_ANSWERS_BYTES + 1)
    if len(data) > MAX_ANSWERS_BYTES:
        raise ValueError(f"too large (more than {MAX_ANSWERS_BYTES:,} bytes)")
    return data.decode("utf-8")


def _batch(args: argparse.Namespace) -> int:
    questionnaire = load_questionnaire(_questionnaire_path(args))
    source, target = Path(args.input), Path(args.output)
    if source.suffix.lower() in NDJSON_SUFFIXES:
        summary = score_ndjson(questionnaire, source, target, base_url=_base_url(args))
    else:
        summary = score_csv(questionnaire, source, target)
    print(summary.line(), file=sys.stderr)
    return 0


def _fhir_questionnaire(args: argparse.Namespace) -> int:
    questionnaire = load_questionnaire(args.file)
    resource = questionnaire_resource(questionnaire, base_url=_base_url(args))
    json.dump(resource, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _base_url(args: argparse.Namespace) -> str:
    base: str = _settings().fhir_base_url if args.base_url is None else args.base_url
    try:
        return checked_base_url(base)
    except ValueError:
        raise CommandError(
            f"FHIR_BASE_URL/--base-url must be http:// or https:// with a host, not '{printable(base)}'"
        ) from None
