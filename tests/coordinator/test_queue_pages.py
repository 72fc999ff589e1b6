"""The queue and the pages around it, in AppTest: the export built on a click and capped, the
filter by reference, the alert's link opens its screening after sign-in, the audit
log describes a filter in words, a new filter starts at page 1, the reasons' heading says what
they are, and the pages say which clock they keep and count by it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from storage import Storage, Submission
from tests.support.coordinator_app import (
    events,
    go,
    page_text,
    sign_in,
    staff_session,
)
from tests.support.rows import move
from ui.coordinator import clinic_clock
from ui.coordinator.deep_link import valid_reference


def _from_alert_link(app: AppTest, reference: str) -> AppTest:
    """Open `/staff?reference=...` as the alert's link does, then sign in."""
    app.query_params["reference"] = reference
    return sign_in(app)


def test_the_alert_link_opens_its_screening_after_sign_in(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    """`/staff?reference=X` landed on the queue, not on X."""
    submit("sensory")
    wanted = submit("sensory", "vasomotor", self_harm_thoughts="yes")
    _from_alert_link(app, wanted.reference.lower().replace("-", ""))  # as typed or mangled by a mail client
    assert not app.exception
    assert [title.value for title in app.title] == [f"Screening {wanted.reference}"]
    assert staff_session(app).selected_id == wanted.id
    assert "reference" not in app.query_params  # not left in the address bar


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "**K7M-4PX**", "K7M-4PX' OR '1'='1", "../../etc/passwd", "K7M-4PX" * 20, "QQQ",
])
def test_anything_but_a_reference_in_the_link_is_ignored(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission], hostile: str
) -> None:
    submit("sensory")
    _from_alert_link(app, hostile)
    assert not app.exception
    assert [title.value for title in app.title] == ["Screenings"]  # the queue, nothing opened
    assert staff_session(app).selected_id is None
    assert hostile not in page_text(app)  # never shown back


def test_a_link_to_no_screening_says_so_on_the_queue(app: AppTest, storage_with_staff: Storage) -> None:
    _from_alert_link(app, "ZZZ-999")
    assert [title.value for title in app.title] == ["Screenings"]
    assert "No screening has the reference in the link (ZZZ-999)." in [w.value for w in app.warning]


def test_reference_shape_is_the_only_thing_accepted() -> None:
    assert valid_reference("k7m 4px") == "K7M-4PX"
    assert valid_reference("K7M-4PX") == "K7M-4PX"
    for bad in ("K7M-4P", "K7M-4PXX", "K7M-4P0", "", None, ["K7M-4PX"], "K7M\x004PX"):
        assert valid_reference(bad) is None, bad


def test_the_audit_log_describes_the_filter_in_words(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    """The audit log showed `QueueFilter(date_from=None, ...)`."""
    row = submit("sensory")
    sign_in(app)
    app.text_input(key="staff:filter:reference").input(row.reference[:3]).run()
    go(app, "audit")
    # As shown: staff text is escaped so it renders as typed (`ui.coordinator.as_text`), e.g. "\\;".
    details = [re.sub(r"\\(.)", r"\1", str(detail)) for detail in app.table[0].value["Detail"]]
    assert "page 1; filter: no filter" in details
    assert f"page 1; filter: reference starting '{row.reference[:3]}'" in details
    assert not any("QueueFilter" in str(detail) or "None" in str(detail) for detail in details)


def test_a_new_filter_starts_at_page_one(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    """Changing a filter kept the coordinator on page 2."""
    many = [submit("sensory", "vasomotor") for _ in range(30)]
    for _ in range(30):
        submit("sensory", "vasomotor", "sudomotor_edema")
    sign_in(app)
    app.button(key="staff:next").click().run()
    assert staff_session(app).queue_page == 2
    app.selectbox(key="staff:filter:tier").set_value(many[0].result.tier).run()
    assert staff_session(app).queue_page == 1
    assert "**30 screening(s)** · page 1 of 2" in page_text(app)


def test_the_reasons_heading_says_what_they_are(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    """"Reasons as given to the patient", but the patient never sees them."""
    row = submit("sensory", "vasomotor", language="es")
    sign_in(app)
    staff_session(app).selected_id = row.id
    go(app, "screening")
    labels = [expander.proto.label for expander in app.expander]
    assert "Reasons for the suggestion (the screen's rules, in Spanish)" in labels
    assert not any("given to the patient" in label for label in labels)


def test_the_queue_says_it_keeps_the_servers_clock_when_none_is_set(
    app: AppTest, storage_with_staff: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No silent UTC. Unset, CLINIC_TIMEZONE is the server's zone, and the page says so."""
    monkeypatch.delenv("CLINIC_TIMEZONE", raising=False)
    monkeypatch.setattr("settings.read_secrets", lambda *_: {})
    sign_in(app)
    assert any("the server's time zone (CLINIC_TIMEZONE is not set" in c.value for c in app.caption)
    text = page_text(app)
    assert "UTC day" not in text


def test_the_queue_counts_and_filters_by_the_clinics_day(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLINIC_TIMEZONE", "America/Chicago")
    st.cache_resource.clear()
    row = move(storage_with_staff, submit("sensory"), datetime(2026, 11, 25, 1, 30, tzinfo=UTC))  # 19:30 on the 24th
    sign_in(app)
    assert "Clinic time: America/Chicago (CLINIC_TIMEZONE)." in [c.value for c in app.caption]
    assert "**Screenings per day (clinic days, America/Chicago), last 6 weeks**" in [m.value for m in app.markdown]
    assert app.date_input(key="staff:filter:from").label == "From (clinic day, America/Chicago)"
    app.date_input(key="staff:filter:from").set_value(datetime(2026, 11, 24).date()).run()
    app.date_input(key="staff:filter:to").set_value(datetime(2026, 11, 24).date()).run()
    assert list(app.dataframe[0].value["Reference"]) == [row.reference]


def test_the_clinics_clock_is_a_log_line_at_start(
    app: AppTest, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLINIC_TIMEZONE", raising=False)
    monkeypatch.setattr("settings.read_secrets", lambda *_: {})
    clinic_clock._announced.clear()
    with caplog.at_level(logging.INFO, logger="crps.app"):
        AppTest.from_file(app._script_path, default_timeout=30).run()
    said = [record.getMessage() for record in caplog.records if record.name == "crps.app"]
    assert any(line.startswith("clinic clock: ") and "the server's time zone (CLINIC_TIMEZONE is not set)" in line
               for line in said), said


def test_export_built_only_on_click_and_audited(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    from storage import QueueFilter
    from ui.coordinator import export

    submit("sensory")
    sign_in(app)
    button = app.get("download_button")[0]
    assert "exported" not in events(storage_with_staff)  # nothing built by just showing the page
    assert not any(isinstance(app.session_state[key], bytes) for key in app.session_state)
    assert "Download CSV of the 1 filtered" in button.proto.label
    data = export.build_csv(storage_with_staff, QueueFilter(), ["pain_now"], "tester")
    assert data.startswith("\ufeffreference".encode())
    assert "exported" in events(storage_with_staff)


def test_export_refused_above_the_limit(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPORT_MAX_ROWS", "2")
    for _ in range(3):
        submit("sensory")
    sign_in(app)
    assert "python -m storage export" in page_text(app)
    assert not [b for b in app.get("download_button") if "CSV" in b.proto.label]


def test_filter_by_reference(app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]) -> None:
    first, second = submit("sensory"), submit("vasomotor")
    sign_in(app)
    app.text_input(key="staff:filter:reference").input(second.reference).run()
    frame = app.dataframe[0].value
    assert list(frame["Reference"]) == [second.reference]
    assert first.reference not in list(frame["Reference"])
