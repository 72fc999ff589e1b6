"""The command line: `validate`, `score` and `batch`. Errors are one line on stderr, exit 2.

No traceback ever reaches the user: every expected failure is a `QuestionnaireError`,
`AnswersInvalid` or `CommandError`, each worded to name the file, item or column at fault.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scoring.engine import AnswersInvalid, score
from scoring.loader import QuestionnaireError, load_questionnaire


class CommandError(Exception):
    """A problem with the command's input files; the message is one line for the user."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except QuestionnaireError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    except AnswersInvalid as exc:
        print(f"{args.answers_name}: {exc}", file=sys.stderr)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring", description="CRPS symptom screen: questionnaires and scoring."
    )
    verbs = parser.add_subparsers(dest="verb", required=True)

    validate = verbs.add_parser("validate", help="check questionnaire files")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=_validate)

    one = verbs.add_parser("score", help="score one answer file (JSON) and print the result")
    one.add_argument("--questionnaire", required=True, metavar="FILE")
    one.add_argument("--answers", required=True, metavar="FILE|-", help="JSON object, or - for stdin")
    one.add_argument("--language", default=None, help="language of the reasons (default: the first)")
    one.set_defaults(run=_score)

    batch = verbs.add_parser("batch", help="score a CSV of respondents into a CSV of results")
    batch.add_argument("--questionnaire", required=True, metavar="FILE")
    batch.add_argument("--input", required=True, metavar="CSV")
    batch.add_argument("--output", required=True, metavar="CSV")
    batch.set_defaults(run=_batch)
    return parser


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
    args.answers_name = "<stdin>" if args.answers == "-" else args.answers
    questionnaire = load_questionnaire(args.questionnaire)
    answers = _read_answers(args.answers, sys.stdin)
    result = score(questionnaire, answers, args.language)
    json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _read_answers(name: str, stdin: TextIO) -> dict[str, object]:
    label = "<stdin>" if name == "-" else name
    try:
        text = stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{label}: cannot read answers: {exc}") from None
    try:
        answers = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{label}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(answers, dict):
        raise CommandError(f"{label}: answers must be a JSON object {{item_id: answer}}")
    return answers


def _batch(args: argparse.Namespace) -> int:
    from scoring.batch import score_csv  # pandas is needed only here

    questionnaire = load_questionnaire(args.questionnaire)
    summary = score_csv(questionnaire, Path(args.input), Path(args.output))
    print(summary.line(), file=sys.stderr)
    return 0
