"""Process-wide resources shared by every session: the questionnaire and the database engine.

Only these live in `st.cache_resource` (they hold no patient answers). Settings come from an
environment variable first, then `.streamlit/secrets.toml`, then the default.
"""

from __future__ import annotations

import os

import streamlit as st

from scoring import Questionnaire, load_questionnaire
from storage import Storage, default_database_url

DEFAULT_QUESTIONNAIRE = "questionnaires/crps.yaml"


def setting(name: str, default: str) -> str:
    """An environment variable, else a Streamlit secret, else `default`."""
    value = os.environ.get(name)
    if value:
        return value
    try:
        secret = st.secrets.get(name)
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets file: that's fine
        secret = None
    except Exception:  # a malformed secrets.toml must not take the page down
        secret = None
    return str(secret) if secret else default


@st.cache_resource(show_spinner=False)
def _questionnaire(path: str) -> Questionnaire:
    return load_questionnaire(path)


def questionnaire() -> Questionnaire:
    """The validated questionnaire (raises `QuestionnaireError`, which app.py reports)."""
    return _questionnaire(setting("QUESTIONNAIRE", DEFAULT_QUESTIONNAIRE))


@st.cache_resource(show_spinner=False)
def _storage(url: str) -> Storage:
    return Storage(url)


def storage() -> Storage:
    """The database, keyed by URL so tests with their own DATABASE_URL get their own engine."""
    return _storage(setting("DATABASE_URL", "") or default_database_url())
