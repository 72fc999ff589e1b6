"""The FHIR tests' fixed base URL and authored time."""

from __future__ import annotations

from datetime import UTC, datetime

BASE = "https://clinic.example/fhir"
AUTHORED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
