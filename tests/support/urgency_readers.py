"""Every reader of a stored screening's urgency, as text a test can check: the read-back
result, the coordinator page, the clinician and patient PDFs (pypdf), the CSV row, the FHIR
Bundle and the alert's level. Each reads the database as the app does."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from report import SummaryHeader, SummaryOptions, build_summary
from scoring import Questionnaire
from storage import QueueFilter, Storage, Submission

ANSWERED = 'answered "Yes" at'
CHANGED = 'changed to "No" at'


def pdf_text(row: Submission, questionnaire: Questionnaire, variant: str = "clinician") -> str:
    """The PDF's words, one space between them."""
    header = SummaryHeader(reference=row.reference, submitted_at=row.created_at, language=row.language)
    pdf = build_summary(row.result, questionnaire, header, SummaryOptions(variant=variant))  # type: ignore[arg-type]
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # lines wrap anywhere: compare words, not lines


def csv_row(storage: Storage, row: Submission, questionnaire: Questionnaire) -> dict[str, str]:
    out = io.StringIO()
    storage.export_csv(QueueFilter(reference=row.reference), out, item_ids=[item.id for item in questionnaire.items])
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert len(rows) == 1
    return rows[0]


def fhir_bundle(row: Submission, questionnaire: Questionnaire) -> dict[str, Any]:
    from ui.coordinator.screening import fhir_json

    return dict(json.loads(fhir_json(row, questionnaire, "")))


def fhir_red_flags(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The red-flag Observations by item id, and "urgent" for the urgent one."""
    found = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] != "Observation":
            continue
        code = resource["code"]["coding"][0]["code"]
        if code == "red-flag":
            found[resource["valueCodeableConcept"]["coding"][0]["code"]] = resource
        elif code == "urgent":
            found["urgent"] = resource
    return found


def fhir_answer(bundle: dict[str, Any], item_id: str) -> str | None:
    response = bundle["entry"][0]["resource"]
    for item in response["item"]:
        if item["linkId"] == item_id:
            return str(item["answer"][0]["valueCoding"]["code"])
    return None


def fhir_level(observation: dict[str, Any]) -> str:
    return str(observation["component"][0]["valueCodeableConcept"]["coding"][0]["code"])


def alerted_levels(storage: Storage, since: datetime, submission_id: int) -> set[str | None]:
    """The levels the alert worker sends this screening at (webhook channel, urgents saved after
    `since`); each alert's own JSON body is checked to say the same urgency."""
    from alerts.message import AlertMessage
    from storage import deliveries

    deliveries.enqueue_new_urgent(storage, "webhook", since=since)
    levels: set[str | None] = set()
    for claim in deliveries.claim_due(storage, "webhook", worker="test", lease_seconds=60, limit=100):
        if claim.submission_id != submission_id:
            continue
        message = AlertMessage.build(alert_id=str(claim.delivery_id), reference=claim.reference, tablet=claim.tablet,
                                     level=claim.red_flag_level, saved_at=claim.submission_created_at,
                                     base_url="http://clinic.example")
        body = json.loads(message.json_body())
        if "urgency" in body:  # 1.2 alerts never name the level (it would disclose self-harm)
            assert body["urgency"] == ("today" if claim.red_flag_level == "same_day" else "now"), body
        else:
            assert body["level"] == claim.red_flag_level, body
        levels.add(claim.red_flag_level)
    return levels


def coordinator_page_text(database_url: str, row: Submission) -> str:
    """The coordinator's screening page for `row`, as a signed-in admin sees it (AppTest)."""
    from access import add_staff
    from storage.staff import StaffError
    from tests.support.coordinator_app import APP, PASSCODE, go, page_text, sign_in, staff_session

    storage = Storage(database_url)
    with contextlib.suppress(StaffError):  # made by an earlier call on this database
        add_staff(storage, "ada", PASSCODE, role="admin", display_name="Ada Admin", actor="test")
    at = AppTest.from_file(APP, default_timeout=30).run()
    sign_in(at)
    staff_session(at).selected_id = row.id
    go(at, "screening")
    assert not at.exception, at.exception
    return page_text(at)


def now() -> datetime:
    return datetime.now(UTC)
