"""Process-wide resources shared by every session: the settings, the questionnaire and the
database engine.

Only these live in `st.cache_resource` (they hold no patient answers). Settings are read and
checked by `settings.load_settings` (environment, then the secrets file, then the default);
the cache is keyed on their `fingerprint`, so a changed setting is read again.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from scoring import Questionnaire, QuestionnaireError, load_questionnaire
from settings import Settings, SettingsError, fingerprint, load_settings, retired_settings_still_set
from speech import AudioCache
from storage import MigrationError, Storage


@st.cache_resource(show_spinner=False)
def _settings(key: tuple[object, ...]) -> Settings:  # key: the cache key only
    loaded = load_settings()
    for line in retired_settings_still_set():  # once at start (and when the settings change)
        logging.getLogger("crps.settings").warning(line)
    return loaded


def settings() -> Settings:
    """The checked settings (raises `settings.SettingsError`, which app.py reports)."""
    return _settings(fingerprint())


@st.cache_resource(show_spinner=False)
def _questionnaire(path: str) -> Questionnaire:
    return load_questionnaire(path)


def questionnaire() -> Questionnaire:
    """The validated questionnaire (raises `QuestionnaireError`, which app.py reports)."""
    return _questionnaire(str(settings().questionnaire))


@st.cache_resource(show_spinner=False)
def _storage(url: str, migrate: bool) -> Storage:
    return Storage(url, migrate=migrate)


def storage() -> Storage:
    """The database, keyed by URL so tests with their own DATABASE_URL get their own engine.
    Brought to the latest schema when AUTO_MIGRATE is on; refused when newer than the code."""
    current = settings()
    return _storage(current.database_url, current.auto_migrate)


@st.cache_resource(show_spinner=False)
def _speech_cache(folder: str) -> AudioCache:
    return AudioCache(Path(folder))


def speech_cache() -> AudioCache:
    """Read-aloud audio rendered from static text (questions, labels, screen words): no answers."""
    return _speech_cache(str(settings().speech_cache_dir))


def start_up_problem() -> str | None:
    """None when the settings, the questionnaire and the database schema are usable; else the
    one line that says what to fix (app.py shows it to staff, never to patients)."""
    try:
        settings()
        questionnaire()
        storage()
    except SettingsError as exc:
        return str(exc)
    except QuestionnaireError as exc:
        return str(exc.problems[0]) if exc.problems else str(exc)
    except MigrationError as exc:
        return str(exc)
    return None
