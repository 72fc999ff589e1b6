"""Once any red flag has been answered in its `urgent_if`, every reader says urgent at the
most severe level ever raised, whatever was answered after, and in whatever order (hypothesis).
Readers: the read-back result, the clinician PDF's text, the CSV row, the FHIR Bundle and the
alert's level. Plus the red_flag_events revision's upgrade of urgent rows saved before it."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.pool import NullPool

from scoring import RED_FLAG_LEVELS, Questionnaire, load_questionnaire, score
from storage import Storage, migrations
from storage.deliveries import enable_channel
from storage.schema import red_flag_events
from tests.support.answers import DEFAULT_QUESTIONNAIRE
from tests.support.urgency_readers import alerted_levels, csv_row, fhir_bundle, fhir_level, fhir_red_flags, pdf_text

QUESTIONNAIRE = load_questionnaire(DEFAULT_QUESTIONNAIRE)
ALWAYS_ASKED = [item for item in QUESTIONNAIRE.red_flag_items if not item.show_if]
"""The red flags asked of everyone (the tight-cast one hangs on the cast question)."""
LEVEL_WORDS = yaml.safe_load((Path(__file__).parents[2] / "report" / "strings.yaml").read_text())["en"]["levels"]
_KEYS = itertools.count()

answer_events = st.lists(
    st.sampled_from(ALWAYS_ASKED).flatmap(
        lambda item: st.tuples(st.just(item.id), st.sampled_from([choice.code for choice in item.choices]))),
    min_size=1, max_size=12,
)


def as_the_tablet_saves(storage: Storage, questionnaire: Questionnaire, events: Sequence[tuple[str, str]]) -> int:
    """Answer in this order, saving as the tablet does: at a red flag raised, at a raised flag's
    answer changed, and at Send (complete). Returns the row id (None if nothing was ever saved)."""
    key, answers, raised, answered_at = f"p{next(_KEYS)}", {}, set(), {}
    start = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    saved = None
    for minute, (item_id, value) in enumerate(events):
        changed = answers.get(item_id) != value
        answers[item_id], answered_at[item_id] = value, start + timedelta(minutes=minute)
        flag = questionnaire.item(item_id).red_flag
        assert flag is not None
        if value in flag.urgent_if or (changed and item_id in raised):
            raised |= {item_id} if value in flag.urgent_if else set()
            so_far = score(questionnaire, answers, "en", partial=True)
            saved = storage.save_submission(idempotency_key=key, result=so_far, language="en", complete=False,
                                            questionnaire=questionnaire, answered_at=answered_at)
    done = storage.save_submission(idempotency_key=key, result=score(questionnaire, answers, "en", partial=True),
                                   language="en", questionnaire=questionnaire, answered_at=answered_at)
    assert saved is None or saved.id == done.id
    return done.id


def ever_raised(events: Sequence[tuple[str, str]]) -> set[str]:
    return {item_id for item_id, value in events
            if value in (QUESTIONNAIRE.item(item_id).red_flag.urgent_if)}  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Storage, datetime]:
    storage = Storage(f"sqlite:///{tmp_path_factory.mktemp('sticky') / 'screening.db'}")
    return storage, enable_channel(storage, "webhook")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=answer_events, data=st.data())
def test_every_reader_says_urgent_at_the_most_severe_level_ever_raised_in_any_order(
    shared: tuple[Storage, datetime], events: list[tuple[str, str]], data: st.DataObject
) -> None:
    storage, since = shared
    raised = ever_raised(events)
    # A raising answer taken back still counts, for its own flag and for a red-flag rule (a
    # combination, questionnaire 1.2): score the last answers with every raising answer put back.
    # The order of the answers never matters.
    sticky = score(QUESTIONNAIRE, dict(events) | {item_id: "yes" for item_id in raised}, "en", partial=True)
    expected = sticky.red_flag_level
    assert expected in (None, *RED_FLAG_LEVELS)
    reordered = data.draw(st.permutations(events))
    seen = []
    for order in (events, reordered):
        row = storage.get_submission(as_the_tablet_saves(storage, QUESTIONNAIRE, order))
        assert row is not None
        result = row.result
        seen.append((result.urgent, result.red_flag_level, set(result.red_flags)))
        if not raised:
            assert not result.urgent and result.red_flag_level is None
            continue
        assert result.urgent and result.red_flag_level == expected and set(result.red_flags) == set(sticky.red_flags)
        words = pdf_text(row, QUESTIONNAIRE)
        assert "URGENT" in words and " ".join(LEVEL_WORDS[expected].split()) in words
        exported = csv_row(storage, row, QUESTIONNAIRE)
        assert (exported["urgent"], exported["red_flag_level"]) == ("True", expected)
        assert all(item_id in exported["red_flags"] for item_id in raised)
        flags = fhir_red_flags(fhir_bundle(row, QUESTIONNAIRE))
        assert flags["urgent"]["valueBoolean"] is True and fhir_level(flags["urgent"]) == expected
        assert raised <= set(flags) - {"urgent"}
        assert alerted_levels(storage, since, row.id) == {expected}
    assert seen[0] == seen[1]  # the two orders agree


def test_a_combination_counts_an_answer_taken_back(storage: Storage) -> None:
    """Fever answered yes, changed to no, then spreading redness: the deep-infection rule
    (emergency) is raised and stays, as it would in the other order."""
    row_id = as_the_tablet_saves(storage, QUESTIONNAIRE, [("fever_with_hot_red_limb", "yes"),
                                                          ("fever_with_hot_red_limb", "no"),
                                                          ("redness_spreading_fast", "yes")])
    row = storage.get_submission(row_id)
    assert row is not None and row.result.red_flag_level == "emergency"
    assert "deep_infection" in row.result.red_flags
    assert "fever or chills with spreading redness" in pdf_text(row, QUESTIONNAIRE).replace("\n", " ")
    exported = csv_row(storage, row, QUESTIONNAIRE)
    assert exported["red_flag_level"] == "emergency" and "deep_infection" in exported["red_flags"].split(";")


def test_self_harm_after_fever_is_stored_as_talk_now_not_same_day(storage: Storage) -> None:
    """The level order was wrong in storage (same_day above talk_now)."""
    row_id = as_the_tablet_saves(storage, QUESTIONNAIRE, [("fever_with_hot_red_limb", "yes"),
                                                          ("self_harm_thoughts", "yes")])
    with storage.engine.connect() as connection:
        stored = connection.execute(text("SELECT red_flag_level FROM submissions WHERE id = :id"),
                                    {"id": row_id}).scalar_one()
    assert stored == "talk_now"


def _upgrade_keeps_urgent_flags(url: str) -> None:
    """A database just before revision 0009_red_flag_events with urgent rows: after it, each
    stored red flag is a kept answer."""
    from alembic import command

    from storage.migrations import _config, _scripts

    ours = next(script for script in _scripts().walk_revisions() if script.revision.endswith("_red_flag_events"))
    before = str(ours.down_revision)  # 0005_queue_indexes on this branch; whatever precedes it after a merge
    engine = create_engine(url, poolclass=NullPool)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, before)
    engine.dispose()
    assert migrations.current_revision(url) == before
    stroke = score(QUESTIONNAIRE, {"stroke_signs_last_hours": "yes", "self_harm_thoughts": "yes"}, "en", partial=True)
    plain = score(QUESTIONNAIRE, {"stroke_signs_last_hours": "no"}, "en", partial=True)
    created = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        for number, (result, urgent, level) in enumerate(
            [(stroke, True, "emergency"), (plain, False, None), (plain, True, "talk_now")]  # the 3rd: lost by 1.1
        ):
            connection.execute(text(
                "INSERT INTO submissions (reference, idempotency_key, created_at, created_day, updated_at, "
                "questionnaire_id, questionnaire_version, questionnaire_hash, language, result, tier, urgent, status, "
                "row_version, complete, red_flag_level) VALUES (:ref, :key, :at, :day, :at, 'q', 'v', 'h', 'en', "
                ":result, :tier, :urgent, 'new', 1, true, :level)"),
                {"ref": f"AAA-00{number}", "key": f"k{number}", "at": created, "day": created.date(),
                 "result": json.dumps(result.to_dict()), "tier": result.tier, "urgent": urgent,
                 "level": level})
    engine.dispose()
    storage = Storage(url)  # upgrades to head
    with storage.engine.connect() as connection:
        kept = connection.execute(select(red_flag_events.c.item, red_flag_events.c.answer, red_flag_events.c.level,
                                         red_flag_events.c.raises).order_by(red_flag_events.c.id)).all()
    assert [tuple(row) for row in kept] == [("stroke_signs_last_hours", "yes", "emergency", True),
                                            ("self_harm_thoughts", "yes", "talk_now", True)]
    first = storage.get_by_reference("AAA-000")
    assert first is not None and first.result.red_flag_history[0].at == created
    assert set(first.result.red_flags) == {"stroke_signs_last_hours", "self_harm_thoughts"}
    lost = storage.get_by_reference("AAA-002")  # urgent, its flag lost before the revision: still urgent, and says so
    assert lost is not None and lost.result.urgent and lost.result.red_flag_level == "talk_now"
    with storage.engine.begin() as connection:  # the table takes new kept answers
        connection.execute(insert(red_flag_events).values(submission_id=first.id, item="stroke_signs_last_hours",
                                                           answer="no", level="emergency", raises=False, at=created))


def test_the_red_flag_events_revision_keeps_the_flags_of_urgent_rows_on_sqlite(tmp_path: Path) -> None:
    _upgrade_keeps_urgent_flags(f"sqlite:///{tmp_path / 'before.db'}")


def test_the_red_flag_events_revision_keeps_the_flags_of_urgent_rows_on_postgresql(postgres_url: str) -> None:
    _upgrade_keeps_urgent_flags(postgres_url)
