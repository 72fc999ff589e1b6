"""The alert's link, `/staff?reference=K7M-4PX`: kept through sign-in, then that screening opens.

The query parameter is only ever a reference code to look up: checked against the code's shape
(three and three characters of the code alphabet, any case, dash optional), never shown back,
never used as anything else, and dropped from the address bar once read. It waits outside the
staff session (sign-in replaces that), in this browser tab's session state only."""

from __future__ import annotations

import re

import streamlit as st

from storage.reference import ALPHABET, normalise_reference
from ui import resources
from ui.coordinator import nav

_PENDING = "staff_link_reference"
_CODE = re.compile(f"[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}")


def valid_reference(raw: object) -> str | None:
    """The stored form of a reference code from a URL, or None for anything else."""
    if not isinstance(raw, str) or len(raw) > 16:
        return None
    code = normalise_reference(raw)
    return code if _CODE.fullmatch(code) else None


def remember() -> None:
    """At the staff sign-in page: keep a valid `reference` from the URL for after sign-in."""
    raw = st.query_params.get("reference")
    if raw is None:
        return
    del st.query_params["reference"]
    code = valid_reference(raw)
    if code is not None:
        st.session_state[_PENDING] = code


def open_remembered() -> None:
    """On the queue, once signed in: open the remembered screening (once), or say it was not found."""
    code = st.session_state.pop(_PENDING, None)
    if not isinstance(code, str):
        return
    row = resources.storage().get_by_reference(code)
    if row is None:
        st.warning(f"No screening has the reference in the link ({code}).")
        return
    nav.open_screening(row.id)
