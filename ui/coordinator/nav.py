"""Where the coordinator's pages are: each page's name and URL path, the built `st.Page` objects,
`go(name)` to switch to one and `open_screening` to show one screening.

A leaf among the coordinator modules: it imports no page, so every page (and the header) can
import it at the top. `pages` builds the pages here with their render functions; app.py
registers them with `st.navigation` at the start of every run, before any page can call `go`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import streamlit as st

from ui.coordinator import session as staff

URL_PATHS = {"SIGN_IN": "staff", "QUEUE": "queue", "SCREENING": "screening", "AUDIT": "audit",
             "ACCOUNTS": "accounts", "ACCURACY": "accuracy"}
SIGN_IN_PATH = f"/{URL_PATHS['SIGN_IN']}"
"""The staff sign-in page's path (app.py shows start-up problems in full there)."""
_BUILT: dict[str, st.Page] = {}


def page(name: str, render: Callable[[], None], title: str) -> st.Page:
    """The page called `name`, built on first use (`st.Page` needs a running script) and then
    shared by every session: it holds no session or patient data."""
    if name not in _BUILT:
        _BUILT[name] = st.Page(render, title=title, url_path=URL_PATHS[name])
    return _BUILT[name]


def go(name: str) -> NoReturn:
    """Switch to the coordinator page `name` (a key of `URL_PATHS`)."""
    if name not in _BUILT:
        raise KeyError(f"coordinator page {name!r} is not built; names: {', '.join(URL_PATHS)}")
    st.switch_page(_BUILT[name])


def open_screening(screening_id: int) -> None:
    """Remember which screening to show (in the staff session, never in the URL) and go there."""
    session = staff.current()
    if session is not None:
        session.selected_id = screening_id
        go("SCREENING")
