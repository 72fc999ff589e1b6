"""`python -m report`: one summary by reference code, or a day's summaries into one zip.

    python -m report --submission K7M-4PX --out summary.pdf [--variant patient]
    python -m report --day 2026-11-24 --out day.zip     (a day at the clinic, CLINIC_TIMEZONE)

Reads submissions through `storage` (DATABASE_URL, or --database); settings are checked first.
The file is written owner-only (0600) and never through a symbolic link. Errors are one line,
exit 2.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from datetime import UTC, date, datetime

from report.document import SummaryHeader, SummaryOptions, build_summary, summary_filename
from scoring import Questionnaire, QuestionnaireError, load_questionnaire
from scoring.safe_text import open_private
from settings import settings_or_exit
from storage import MigrationError, QueueFilter, Storage, Submission


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m report", description="PDF summaries of screenings")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--submission", metavar="REF", help="reference code, e.g. K7M-4PX")
    which.add_argument("--day", metavar="YYYY-MM-DD",
                       help="every submission of that day at the clinic (CLINIC_TIMEZONE), into a zip")
    parser.add_argument("--out", required=True, metavar="FILE")
    parser.add_argument("--variant", choices=("clinician", "patient"), default="clinician")
    parser.add_argument("--database", default=None, metavar="URL")
    parser.add_argument("--questionnaire", default=None, metavar="FILE", help="default: QUESTIONNAIRE")
    args = parser.parse_args(argv)
    settings = settings_or_exit("report")
    try:
        questionnaire = load_questionnaire(args.questionnaire or settings.questionnaire)
        storage = Storage(args.database or settings.database_url)
        options = SummaryOptions(
            variant=args.variant, clinic_name=settings.clinic_name,
            clinic_address=settings.clinic_address, generated_at=datetime.now(UTC),
            timezone=settings.clinic_timezone,
        )
        if args.submission:
            submission = storage.get_by_reference(args.submission)
            if submission is None:
                raise LookupError(f"no submission with reference '{args.submission}'")
            with open_private(args.out, "wb") as out:  # 0600; a link at --out is refused
                out.write(build_summary(submission.result, questionnaire, _header(submission), options))
            storage.record_event("pdf_generated", actor="command line", submission_id=submission.id,
                                 detail=args.variant)
            print(f"report: wrote {args.out}", file=sys.stderr)
        else:
            count = _day(storage, questionnaire, date.fromisoformat(args.day), options, args.out)
            print(f"report: wrote {count} summaries to {args.out}", file=sys.stderr)
    except QuestionnaireError as exc:
        print(exc.problems[0], file=sys.stderr)
        return 2
    except (LookupError, ValueError, OSError, MigrationError) as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    return 0


def _header(submission: Submission) -> SummaryHeader:
    return SummaryHeader(reference=submission.reference, submitted_at=submission.created_at,
                         language=submission.language, status=submission.status, note=submission.note,
                         patient_identifier=submission.patient_identifier,
                         patient_birth_date=submission.patient_birth_date, patient_name=submission.patient_name,
                         assisted=submission.assisted)


def _day(storage: Storage, questionnaire: Questionnaire, day: date, options: SummaryOptions, out: str) -> int:
    """The clinic's calendar day (storage filters by the day in the clinic's zone)."""
    count, page = 0, 1
    that_day = QueueFilter(date_from=day, date_to=day)
    with open_private(out, "wb") as handle, zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        while True:
            rows = storage.list_submissions(that_day, page=page, page_size=100, zone=options.timezone).rows
            for submission in rows:
                pdf = build_summary(submission.result, questionnaire, _header(submission), options)
                archive.writestr(summary_filename(submission.reference, options.variant), pdf)
                storage.record_event("pdf_generated", actor="command line", submission_id=submission.id,
                                     detail=f"{options.variant} (day batch)")
                count += 1
            if len(rows) < 100:
                return count
            page += 1


if __name__ == "__main__":
    sys.exit(main())
