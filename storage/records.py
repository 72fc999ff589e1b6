"""What the database hands back: frozen records, filters and outcomes (no SQL here)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from scoring import RED_FLAG_LEVELS as RED_FLAG_LEVELS  # re-exported: the one owner is scoring
from scoring import ScreeningResult
from scoring import most_severe as most_severe  # re-exported: the one owner is scoring
from scoring.model import RedFlagAnswer
from scoring.red_flag_history import with_history
from storage.question_texts import SEEN

STATUSES = ("new", "reviewed", "referred", "not_referred", "follow_up")
"""A submission's review status; every submission starts as "new"."""

# Red-flag levels and their order (emergency, talk_now, same_day) have one owner: `scoring`
# (`RED_FLAG_LEVELS`, `most_severe`), imported above and re-exported for storage's callers
# (1.1 had a copy here ordered emergency, same_day, talk_now: a self-harm flag after a fever
# flag was stored as same_day while the tablet showed talk_now).
NOTE_MAX_CHARS = 2000
IDENTIFIER_MAX_CHARS = 64
_TABLET = re.compile(r"[a-z0-9-]{1,32}")


class SaveFailed(RuntimeError):
    """A submission could not be saved after retrying; the message is one line, no answers."""


class InvalidInput(ValueError):
    """A value staff or a URL gave that storage will not write; str() is one line saying why,
    without echoing the value (it may be a patient's details)."""


def valid_tablet(name: str | None) -> str | None:
    """A tablet's short name from its URL (`?tablet=front-1`): 1-32 of a-z, 0-9 and "-"; None
    stays None. Raises `InvalidInput` otherwise."""
    if name is None:
        return None
    if not _TABLET.fullmatch(name):
        raise InvalidInput("tablet name must be 1-32 characters: lower-case letters, digits and '-'")
    return name


def normalise_tablet(name: str) -> str:
    """A tablet's name from its URL as the app stores it: spaces around it dropped, lower case,
    "_" made "-" (`Front_1` -> `front-1`). Raises `InvalidInput` (one line saying why) for what
    is still not 1-32 of a-z, 0-9 and "-": too long or other characters are refused, never cut
    or changed, so two tablets cannot end up with one name."""
    normal = name.strip().lower().replace("_", "-")
    if not normal:
        raise InvalidInput("the name is empty")
    if len(normal) > 32:
        raise InvalidInput(f"the name has {len(normal)} characters, at most 32 are allowed")
    if not _TABLET.fullmatch(normal):
        raise InvalidInput("the name may hold only the letters a-z, the digits 0-9 and '-'")
    return normal


def _bad_characters(text: str, allowed: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in text)


def valid_note(note: str | None) -> str | None:
    """A coordinator's note as it will be stored: CR LF made LF; at most 2,000 characters; no
    control characters but newline and tab (a NUL crashes PostgreSQL). Empty becomes None."""
    if note is None:
        return None
    note = note.replace("\r\n", "\n")
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidInput(f"the note is {len(note):,} characters; at most {NOTE_MAX_CHARS:,} are kept")
    if _bad_characters(note, "\n\t"):
        raise InvalidInput("the note holds a control character (only line breaks and tabs are allowed)")
    return note if note.strip() else None


def valid_identifier(identifier: str | None) -> str | None:
    """The clinic's chart number: 1-64 printable characters, spaces trimmed; empty becomes None."""
    if identifier is None or not identifier.strip():
        return None
    identifier = identifier.strip()
    if len(identifier) > IDENTIFIER_MAX_CHARS or not identifier.isprintable():
        raise InvalidInput(f"the chart number must be 1-{IDENTIFIER_MAX_CHARS} printable characters")
    return identifier


BIRTH_YEARS_MAX = 130
ASSISTED_ROLES = ("staff", "interpreter")
ASSISTED_MAX_CHARS = 100


def valid_birth_date(value: date | str | None, *, today: date | None = None) -> date | None:
    """A date of birth as staff give it (a date, or text as YYYY-MM-DD): not in the future and
    not more than 130 years ago; None/empty stays None. Raises `InvalidInput` without echoing it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput("the date of birth must be a date written YYYY-MM-DD") from None
    if isinstance(value, datetime):
        value = value.date()
    today = today or datetime.now(UTC).date()
    if value > today:
        raise InvalidInput("the date of birth is in the future")
    if value.year < today.year - BIRTH_YEARS_MAX:
        raise InvalidInput(f"the date of birth is more than {BIRTH_YEARS_MAX} years ago")
    return value


def valid_assistance(role: str | None, by: str | None) -> tuple[str, str] | tuple[None, None]:
    """Who answered with the patient: ("staff", their name) or ("interpreter", the language);
    (None, None) for a patient answering alone. The name or language: 1-100 printable characters."""
    if role is None:
        return None, None
    if role not in ASSISTED_ROLES:
        raise InvalidInput(f"help must be one of {', '.join(ASSISTED_ROLES)}")
    by = (by or "").strip()
    if not by or len(by) > ASSISTED_MAX_CHARS or not by.isprintable():
        what = "the staff member's name" if role == "staff" else "the interpreter's language"
        raise InvalidInput(f"{what} must be 1-{ASSISTED_MAX_CHARS} printable characters")
    return role, by


def assisted_words(role: str | None, by: str | None) -> str | None:
    """"answered with staff help: NAME" / "answered with staff help: interpreter (LANGUAGE)"."""
    if role is None or not by:
        return None
    return f"answered with staff help: {by}" if role == "staff" else f"answered with staff help: interpreter ({by})"


def chart_last4(identifier: str | None) -> str | None:
    """The last 4 characters of a chart number (what an alert may carry), None without one."""
    return identifier[-4:] if identifier else None


PATIENT_NAME_MAX_CHARS = 100
_NAME_MARKS = frozenset("-'\u2019 ")  # hyphen, apostrophes (straight and typographic), space


def valid_patient_name(name: str | None) -> str | None:
    """A patient's full name as the desk gives it: Unicode letters with their accents, spaces, hyphens and apostrophes;
    starting with a letter; spaces trimmed and runs of them made one; NFC; 1-100 characters.
    None/empty stays None. Raises `InvalidInput` (one line, the name never echoed)."""
    if name is None:
        return None
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name:
        return None
    if len(name) > PATIENT_NAME_MAX_CHARS:
        raise InvalidInput(f"the name has {len(name)} characters, at most {PATIENT_NAME_MAX_CHARS} are allowed")
    if not all(unicodedata.category(c)[0] in "LM" or c in _NAME_MARKS for c in name):
        raise InvalidInput("the name may hold only letters, spaces, hyphens and apostrophes")
    if unicodedata.category(name[0])[0] != "L":
        raise InvalidInput("the name must start with a letter")
    return name


def name_initial(name: str | None) -> str | None:
    """The first letter of a (checked) name, upper case: all the tablet may show of it."""
    return name[:1].upper() if name else None


@dataclass(frozen=True, repr=False)
class PatientIds:
    """A patient handed to a tablet by the desk: the chart number and a second
    identifier, the date of birth or the full name (or both). `hand_off.start` and the save check
    that one of them is there. Its repr names none of them (a log line or a traceback that shows
    it, or the tablet's session holding it, leaks nothing: H71)."""

    chart_number: str
    birth_date: date | None = None
    name: str | None = None

    def __repr__(self) -> str:
        given = [what for what, value in (("date of birth", self.birth_date), ("name", self.name)) if value]
        return f"PatientIds(chart number ending {chart_last4(self.chart_number)}; {' and '.join(given) or 'no'} given)"


@dataclass(frozen=True)
class Submission:
    """One stored screening: its result (answers, tier, urgent: `result` owns them) and where
    review has got to."""

    id: int
    reference: str
    created_at: datetime
    updated_at: datetime
    questionnaire_id: str
    questionnaire_version: str
    questionnaire_hash: str
    language: str
    result: ScreeningResult
    """The one result every reader reads (answers, tier, urgent, red flags): the stored scoring
    result with the sticky facts put back: urgent and the most severe level ever raised, and
    every red-flag answer kept since each flag was raised (`result.red_flag_history`)."""
    status: str
    note: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    row_version: int
    complete: bool = True
    """False: saved when a red flag was answered, before the patient finished (or walked away)."""
    tablet: str | None = None
    tablet_cleared_at: datetime | None = None
    patient_identifier: str | None = None
    """The clinic's chart number: from the desk's hand-off, or set by staff later; None until then."""
    patient_birth_date: date | None = None
    """The second identifier: from the hand-off, or attached by staff later."""
    patient_name: str | None = None
    """The patient's full name: the other second identifier (revision 0012_patient_name).
    Staff screens, the clinician PDF and FHIR only: never an alert, a log line or the tablet."""
    assisted_role: str | None = None
    """"staff" or "interpreter" when a staff member answered with the patient."""
    assisted_by: str | None = None
    """The staff member's name, or the interpreter's language."""

    @property
    def assisted(self) -> str | None:
        """"answered with staff help: NAME / interpreter (LANGUAGE)", None without help."""
        return assisted_words(self.assisted_role, self.assisted_by)

    @property
    def patient_attached(self) -> bool:
        return self.patient_identifier is not None

    def minutes_waiting(self, now: datetime | None = None) -> int:
        """Whole minutes from the save to its acknowledgement (or to now, while open)."""
        until = self.acknowledged_at or now or datetime.now(UTC)
        return max(0, int((until - self.created_at).total_seconds() // 60))


@dataclass(frozen=True)
class QueueFilter:
    """The coordinator's filters; None means "any". Dates are calendar days, inclusive, in the zone
    the query is run with (`Storage.list_submissions(..., zone=)`: the clinic's)."""

    date_from: date | None = None
    date_to: date | None = None
    tier: str | None = None
    urgent: bool | None = None
    status: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the total that matched the filter."""

    rows: list[Submission]
    total: int
    page: int
    page_size: int
    total_is_capped: bool = False
    """True when `total` is a floor: the unfiltered queue counts only so far ("100,000+")."""


@dataclass(frozen=True)
class UpdateOutcome:
    """The result of a review action: on a conflict `ok` is False and `submission` is current."""

    ok: bool
    submission: Submission | None
    message: str


@dataclass(frozen=True)
class AuditEvent:
    """One append-only audit row."""

    id: int
    at: datetime
    actor: str
    event: str
    submission_id: int | None
    detail: str


def stored_result(row: Mapping[Any, Any], history: Sequence[RedFlagAnswer], seen: object = None) -> ScreeningResult:
    """The one result every reader reads: the stored scoring result with the sticky facts of the
    row (urgent, the most severe level ever raised), its kept red-flag answers and the questions
    as the patient saw them (`seen`, kept in their own table: `storage.question_texts.split_result`)
    put back."""
    data = row["result"] if seen is None else {**row["result"], SEEN: seen}
    return with_history(ScreeningResult.from_dict(data), history, urgent=bool(row["urgent"]),
                        level=row["red_flag_level"])

