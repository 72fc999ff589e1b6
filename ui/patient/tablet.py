"""The tablet's name (`?tablet=front-1`) and the urgent screen it must bring back after a reload.

The name comes from the URL the clinic sets up on each tablet. It is never silently dropped
(issue 16): case, spaces around it and "_" are normalised (`Front_1` -> `front-1`), and the
welcome screen shows the name as normalised ("Tablet front-1"); a name still not 1-32 of a-z,
0-9 and "-" (too long, accents, other characters) is refused on the tablet itself, with a
full-screen staff message before any patient starts (`storage.records.normalise_tablet` says
why). It is never cut short or changed further, so two tablets cannot end up sharing one name.
A URL without `?tablet=` is an unnamed tablet, as before (a reload on it cannot bring an urgent
screen back). This module never writes patient data to the query string.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import streamlit as st

from scoring import Questionnaire, escalation
from storage import hand_off
from storage.records import InvalidInput, normalise_tablet
from ui import resources
from ui.patient.state import PatientSession, Step
from ui.patient.strings import languages, text

_log = logging.getLogger("crps.patient")


def note_name(session: PatientSession) -> None:
    """Take the tablet's name from the URL the first time this session runs: normalised (the
    welcome screen shows it so), or refused with the reason in `session.tablet_refused`."""
    if session.tablet is not None or session.tablet_refused is not None:
        return
    given = st.query_params.get("tablet")
    if given is None:
        return
    try:
        session.tablet = normalise_tablet(given)
    except InvalidInput as exc:
        session.tablet_refused = str(exc)
        session.tablet_example = _example(given)
        _log.error("tablet address refused: %s", exc)
        return


def _example(given: str) -> str:
    """A name like the refused one that would be accepted (accents dropped, other characters out)."""
    plain = unicodedata.normalize("NFKD", given).encode("ascii", "ignore").decode().strip().lower()
    return re.sub(r"[^a-z0-9-]", "", plain.replace("_", "-").replace(" ", "-"))[:32].strip("-") or "front-1"


def show_refused(session: PatientSession) -> None:
    """The whole screen, for staff, in both languages: no patient can start on this address."""
    with st.container(key="tablet-refused"):
        for language in languages():
            st.error(text("tablet_name_refused", language, reason=session.tablet_refused,
                          example=session.tablet_example))


def show_name(session: PatientSession) -> None:
    """The tablet's name as the app stores it, small, for staff setting the tablet up."""
    if session.tablet is not None:
        st.caption(text("tablet_label", "en", name=session.tablet))


def restore_open_urgent(session: PatientSession, questionnaire: Questionnaire) -> None:
    """On the welcome screen of a named tablet: if it has an open urgent screening, show it again."""
    if session.tablet is None or session.step is not Step.WELCOME:
        return
    try:
        open_urgent = resources.storage().open_urgent_for_tablet(session.tablet)
    except Exception as exc:  # the database is away: the welcome screen still works
        _log.error("checking tablet %s for an open urgent screening failed: %s", session.tablet,
                   type(exc).__name__)
        return
    if open_urgent is None:
        return
    session.step = Step.URGENT
    session.patient_away = True  # a reload or another session: whoever is here did not answer
    session.language = open_urgent.language if open_urgent.language in questionnaire.languages else "en"
    session.reference, session.submission_id = open_urgent.reference, open_urgent.id
    session.urgent_items = tuple(open_urgent.result.red_flags)
    session.urgent_level = escalation.most_urgent(
        flag.level for item_id in session.urgent_items
        if (flag := questionnaire.red_flag_of(item_id)) is not None  # items and red-flag rules alike
    ) or "emergency"


def take_hand_off(session: PatientSession) -> None:
    """The patient starts (taps a language): take this tablet's pending hand-off from the desk,
    once (issue 19). A session that already has one, or a tablet without a name, takes none."""
    if session.patient is not None or session.tablet is None:
        return
    try:
        taken = hand_off.take(resources.storage(), session.tablet)
    except Exception as exc:  # the database is away: an anonymous walk-up; staff attach it later
        _log.error("taking the hand-off of tablet %s failed: %s", session.tablet, type(exc).__name__)
        return
    if taken is not None:
        session.patient = taken.patient


def greeting_initial(session: PatientSession) -> str | None:
    """The initial of the name the desk gave for the patient handed to this tablet, only when the
    clinic allows it (TABLET_SHOWS_INITIAL); nothing when the desk gave the date of birth only;
    never the chart number, the date of birth or the rest of the name."""
    if session.tablet is None or not resources.settings().tablet_shows_initial:
        return None
    try:
        waiting = hand_off.pending(resources.storage(), session.tablet)
    except Exception:  # the database is away: no greeting
        return None
    return None if waiting is None else waiting.first_initial
