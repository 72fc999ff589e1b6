"""The tablet's name (`?tablet=front-1`) and the urgent screen it must bring back after a reload.

The name comes from the URL the clinic sets up on each tablet; it is checked against
`[a-z0-9-]{1,32}` and otherwise ignored (an unnamed tablet still works, but a reload on it
cannot bring an urgent screen back). Streamlit keeps the query string across reruns; this
module never writes patient data to it.
"""

from __future__ import annotations

import logging
import re

import streamlit as st

from scoring import Questionnaire, escalation
from ui import resources
from ui.patient.state import PatientSession, Step

NAME = re.compile(r"[a-z0-9-]{1,32}")
_log = logging.getLogger("crps.patient")


def name_from(value: object) -> str | None:
    """A valid tablet name, or None."""
    return value if isinstance(value, str) and NAME.fullmatch(value) else None


def note_name(session: PatientSession) -> None:
    """Take the tablet's name from the URL the first time this session runs."""
    if session.tablet is None:
        session.tablet = name_from(st.query_params.get("tablet"))


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
    session.language = open_urgent.language if open_urgent.language in questionnaire.languages else "en"
    session.reference, session.submission_id = open_urgent.reference, open_urgent.id
    session.urgent_items = tuple(open_urgent.result.red_flags)
    session.urgent_level = escalation.most_urgent(
        escalation.level_of(questionnaire.item(item_id)) for item_id in session.urgent_items
        if item_id in questionnaire.items_by_id
    ) or "emergency"
