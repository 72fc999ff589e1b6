"""Saving is exactly once per patient, and a failed save is never silent."""

from __future__ import annotations

import pytest

from storage import SaveFailed, Storage
from tests.support.kiosk import Kiosk, Saved
from tests.support.plans import NO_PAIN, REFERRAL


def test_a_failed_save_tells_the_patient_keeps_the_answers_and_retry_saves_once(
    kiosk: Kiosk, saved: Saved, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = Storage.save_submission

    def broken(self: Storage, **kwargs: object) -> object:
        raise SaveFailed("database unavailable")

    monkeypatch.setattr(Storage, "save_submission", broken)
    kiosk.start("en")
    kiosk.answer_all(REFERRAL)
    kiosk.submit()

    screen = kiosk.screen_text()
    assert kiosk.words("save_failed") in [e.value for e in kiosk.at.error]
    assert kiosk.words("review_title") in screen and "Left arm or hand" in screen  # answers kept
    assert kiosk.has_button(kiosk.words("retry"))
    assert saved() == []

    monkeypatch.setattr(Storage, "save_submission", real_save)
    kiosk.submit()
    (row,) = saved()
    assert row.result.tier == "referral_suggested" and row.reference in kiosk.screen_text()


def test_any_database_error_is_reported_too(kiosk: Kiosk, saved: Saved, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Storage, **kwargs: object) -> object:
        raise OSError("disk I/O error")

    monkeypatch.setattr(Storage, "save_submission", broken)
    kiosk.start("es")
    kiosk.answer_all(NO_PAIN)
    kiosk.submit()
    assert kiosk.words("save_failed") in [e.value for e in kiosk.at.error]
    assert not kiosk.at.exception


def test_a_save_that_committed_but_reported_failure_is_not_duplicated_by_retry(
    kiosk: Kiosk, saved: Saved, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops after the commit: Retry sends the same idempotency key."""
    real_save = Storage.save_submission
    keys: list[str] = []

    def commits_then_fails(self: Storage, **kwargs: object) -> object:
        keys.append(str(kwargs["idempotency_key"]))
        real_save(self, **kwargs)
        raise SaveFailed("connection lost after commit")

    monkeypatch.setattr(Storage, "save_submission", commits_then_fails)
    kiosk.start("en")
    kiosk.answer_all(NO_PAIN)
    kiosk.submit()
    monkeypatch.setattr(Storage, "save_submission", real_save)
    kiosk.submit()

    assert len(saved()) == 1
    assert len(set(keys)) == 1


def test_double_submit_and_reruns_make_one_row(kiosk: Kiosk, saved: Saved, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_save = Storage.save_submission

    def counting(self: Storage, **kwargs: object) -> object:
        calls.append(str(kwargs["idempotency_key"]))
        return real_save(self, **kwargs)

    monkeypatch.setattr(Storage, "save_submission", counting)
    kiosk.start("en")
    kiosk.answer_all(NO_PAIN)
    send = kiosk.button(kiosk.words("submit"))
    send.click()
    send.click()  # a double tap lands in the same run
    kiosk.at.run()
    kiosk.at.run()  # and a rerun afterwards
    kiosk.at.run()

    assert len(saved()) == 1
    assert len(calls) == 1
    assert kiosk.words("thanks_title") in kiosk.screen_text()


def test_two_patients_get_two_rows(kiosk: Kiosk, saved: Saved) -> None:
    kiosk.start("en")
    kiosk.answer_all(NO_PAIN)
    kiosk.submit()
    kiosk.tap(kiosk.words("finish"))
    kiosk.start("es")
    kiosk.answer_all(NO_PAIN)
    kiosk.submit()

    rows = saved()
    assert len(rows) == 2 and rows[0].reference != rows[1].reference
    assert sorted(row.language for row in rows) == ["en", "es"]
