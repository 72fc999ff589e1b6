"""Wording that would tell a patient they have CRPS, which no screen, PDF or export may use."""

from __future__ import annotations

import re

# Kept in tests only, so the app's own code never carries these phrases.
DIAGNOSIS_WORDING = re.compile(
    r"\b(you have|has|have got|tiene|padece)\s+(crps|sdrc|complex regional|s[ií]ndrome de dolor regional)"
    r"|diagnosed with|diagnosticad[oa] con|\bis diagnosed|confirms?\b.*\bcrps"
    r"|meets?\s+(the\s+)?(budapest\s+|diagnostic\s+)?criteria|cumple\s+(con\s+)?(los\s+)?criterios",
    re.IGNORECASE,
)
