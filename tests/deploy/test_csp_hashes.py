"""The proxy's Content-Security-Policy allows inline scripts only by hash: every inline script the
app sends must be listed in deploy/Caddyfile, or the browser blocks it (no chime, no page
language). Checked here without a browser; tests/deploy/test_several_servers.py checks in
Chromium that no CSP report appears."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
import streamlit

from scoring import load_questionnaire
from ui.coordinator.urgent_list import ENABLE_ALERTS_HTML, NEW_URGENT_HTML
from ui.patient.read_aloud import READ_ALOUD_SCRIPT

# The CSP lives in the snippet both Caddyfiles import (deploy/Caddyfile, deploy/single-server.Caddyfile).
CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "security-headers.caddy"
# The page languages a patient may have: the questionnaire's `languages:`.
LANGUAGES = load_questionnaire(Path(__file__).resolve().parents[2] / "questionnaires" / "crps.yaml").languages
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def inline_scripts(html: str) -> list[str]:
    return INLINE_SCRIPT.findall(html)


STREAMLIT_INDEX = Path(streamlit.__file__).parent / "static" / "index.html"
SCRIPTS = {
    "streamlit start-up": inline_scripts(STREAMLIT_INDEX.read_text(encoding="utf-8")),
    "coordinator: turn on alerts": inline_scripts(ENABLE_ALERTS_HTML),
    "coordinator: new urgent chime": inline_scripts(NEW_URGENT_HTML.replace("NONCE", "3-41")),
    "patient: read aloud": inline_scripts(READ_ALOUD_SCRIPT),
    **{f"page language {code}": [f'document.documentElement.lang = "{code}";'] for code in LANGUAGES},
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_inline_script_is_allowed_by_hash(name: str) -> None:
    policy = CADDYFILE.read_text(encoding="utf-8")
    assert SCRIPTS[name], f"{name}: no inline script found (has the markup changed?)"
    for script in SCRIPTS[name]:
        assert csp_hash(script) in policy, f"{name}: add {csp_hash(script)} to script-src in deploy/Caddyfile"


def test_the_chime_script_does_not_change_with_each_alert() -> None:
    one, other = (inline_scripts(NEW_URGENT_HTML.replace("NONCE", nonce)) for nonce in ("1-2", "9-9"))
    assert one == other
