"""The one place that holds a patient's session: a typed `PatientSession` in `st.session_state`.

Every widget key on the patient screens is made by `widget_key`, which puts the per-patient
number inside the key. Clearing session state alone does not reset a widget (a radio with the
same key came back ticked); a new number gives every widget a fresh key,
and `next_patient` also drops the old keys so no answer stays in the session.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import streamlit as st

from scoring import AnswerValue, RedFlagAnswer, ScreeningResult
from storage import PatientIds, Submission

_SESSION_KEY = "patient_session"
_WIDGET_PREFIX = "patient"


class Step(StrEnum):
    """Which screen the patient is on."""

    WELCOME = "welcome"
    QUESTION = "question"
    REVIEW = "review"
    THANKS = "thanks"
    URGENT = "urgent"
    STAFF_CHOICE = "staff_choice"
    """Staff cleared an emergency before the end: continue the questions with the patient, or end."""


@dataclass
class PatientSession:
    """Everything about the patient at the tablet now; replaced whole for the next patient."""

    patient_number: int = 0
    language: str = "en"
    step: Step = Step.WELCOME
    item_id: str | None = None
    """The question on screen (step QUESTION)."""
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    returning_to_review: bool = False
    """The patient came from the review screen to change one answer; Next goes back there."""
    missing_answer: bool = False
    """Next was tapped on a required question with no answer: say so in text."""
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    """One per patient: a double tap, rerun or retry saves the same row, never a second one."""
    save_failed: bool = False
    result: ScreeningResult | None = None
    reference: str | None = None
    submission_id: int | None = None
    tablet: str | None = None
    """This tablet's name from `?tablet=...`; kept for the next patient on the same tablet."""
    tablet_refused: str | None = None
    """Why this tablet's `?tablet=` name cannot be used: the tablet shows only a staff message."""
    tablet_example: str = ""
    urgent_level: str | None = None
    """The most urgent red-flag level raised for this patient; never lowered once raised."""
    urgent_items: tuple[str, ...] = ()
    """The red-flag items raised (for the urgent screen's messages); only grows."""
    red_flag_answers: dict[str, tuple[AnswerValue, datetime]] = field(default_factory=dict)
    """Each red-flag question's latest answer and when it was given (storage keeps the ones that
    raise a flag and every later change: "answered yes at 10:02, changed to no at 10:04")."""
    raising_answers: tuple[RedFlagAnswer, ...] = ()
    """Every answer that raised a red flag, taken back or not: a red-flag rule (a combination)
    counts them, as storage does (`scoring.escalation.raised`)."""
    staff_cleared: bool = False
    """Staff cleared this patient's urgent screen and chose to continue the questions; a red flag
    raised after that brings the urgent screen back."""
    patient_away: bool = False
    """The urgent screen is left behind (idle time-out, reload, new session): it says only "bring
    this tablet to the front desk", nothing about what was answered and no reference code."""
    finished: bool = False
    """The patient tapped Send: the answers are complete."""
    save_pending: bool = False
    save_future: Future[Submission] | None = None
    """A save still running on a worker thread (a slow or locked database); picked up later."""
    saving: tuple[ScreeningResult, bool] | None = None
    """What `save_future` is saving: (result, complete)."""
    """An urgent screening is not in the database yet; the urgent screen keeps retrying."""
    staff_code_problem: str | None = None
    """Why the kiosk staff code was refused (wrong, locked for a while), in `access`'s words."""
    body_map_as_list: bool = False
    """The patient chose the plain list over the body picture for where the pain is."""
    read_aloud: bool | None = None
    """The patient's own choice on the welcome screen to hear each question; None: the clinic's."""
    read_aloud_plays: int = 0
    """Counts read-aloud plays, so each tap sends a new mark and the browser reads again."""
    read_aloud_screen: tuple[Step, str | None] | None = None
    """The screen last read by itself (a question is read once when it first appears)."""
    assisted: tuple[str, str] | None = None
    """Staff help: ("staff", NAME) or ("interpreter", LANGUAGE), turned on behind the
    kiosk staff code on the welcome screen; saved with the screening; gone for the next patient."""
    assist_problem: str | None = None
    """Why turning staff help on was refused (wrong code, no name), shown in the staff box."""
    patient: PatientIds | None = None
    """The desk's hand-off this patient took when starting (chart number, date of birth), or None
    for an anonymous walk-up; never shown on the tablet."""
    last_activity: float = field(default_factory=time.monotonic)
    screen: tuple[Step, str | None] = (Step.WELCOME, None)
    screen_since: float = field(default_factory=time.monotonic)
    """When the screen on show first appeared (a tap just after it is a double tap, see `taps`)."""


def current() -> PatientSession:
    """This browser tab's patient session (a new one on first load or after a page reload)."""
    session = st.session_state.get(_SESSION_KEY)
    if not isinstance(session, PatientSession):
        session = PatientSession()
        st.session_state[_SESSION_KEY] = session
    return session


def widget_key(session: PatientSession, name: str) -> str:
    """A widget key unique to this patient, so the next patient's widgets start empty."""
    return f"{_WIDGET_PREFIX}{session.patient_number}:{name}"


def take_staff_code(session: PatientSession, name: str) -> str:
    """The staff code typed in this patient's widget `name`, emptied at once: the code never
    stays in the session."""
    key = widget_key(session, name)
    typed = str(st.session_state.get(key) or "").strip()
    st.session_state[key] = ""
    return typed


def touch() -> None:
    """Note activity now (the idle time-out counts from here)."""
    current().last_activity = time.monotonic()


def note_screen(session: PatientSession) -> None:
    """Remember when the screen on show (step and question) first appeared."""
    here = (session.step, session.item_id)
    if here != session.screen:
        session.screen, session.screen_since = here, time.monotonic()


def next_patient() -> PatientSession:
    """Forget everything about this patient, widget values included, and start fresh."""
    old = current()
    old_prefix = widget_key(old, "")
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(old_prefix)]:
        del st.session_state[key]
    session = PatientSession(patient_number=old.patient_number + 1, tablet=old.tablet,
                             tablet_refused=old.tablet_refused, tablet_example=old.tablet_example)
    st.session_state[_SESSION_KEY] = session
    return session
