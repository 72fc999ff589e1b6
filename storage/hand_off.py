"""The desk's hand-off: a coordinator hands a patient to a named tablet.

At most one pending hand-off per tablet (the tablet's name is the key; a new one replaces the
old, audited). The next patient who starts on that tablet takes it, once: a single conditional
DELETE claims it, so two sessions on one tablet cannot both take it. A hand-off left untaken for
`EXPIRES_MINUTES` is void (a patient who never came to the tablet is not attached to the next
walk-up). The desk gives the chart number and a second identifier: the date of birth or the
full name, or both ("the chart number and date of birth (or name)"). None of them ever goes to
logs, URLs or the audit detail (only the chart number's last 4 characters); the tablet may show
the name's initial only (`first_initial`, when the clinic sets TABLET_SHOWS_INITIAL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import RowMapping

from storage import Storage, audit
from storage.audit import PATIENT_KIOSK
from storage.engine import as_date, aware, utc_now
from storage.records import (
    InvalidInput,
    PatientIds,
    name_initial,
    normalise_tablet,
    valid_birth_date,
    valid_identifier,
    valid_patient_name,
)
from storage.schema import tablet_hand_offs

EXPIRES_MINUTES = 30


@dataclass(frozen=True)
class HandOff:
    """One pending hand-off: which tablet, the patient's identifiers, the name's initial (if a name
    was given: all the tablet may show)."""

    tablet: str
    patient: PatientIds
    first_initial: str | None
    started_by: str
    created_at: datetime
    expires_at: datetime


def start(storage: Storage, *, tablet: str, chart_number: str, birth_date: date | str | None = None,
          patient_name: str | None = None, actor: str, minutes: int = EXPIRES_MINUTES,
          now: datetime | None = None) -> HandOff:
    """Hand a patient to `tablet`: the chart number and the date of birth or the full name (or
    both); every value checked first (`InvalidInput`, one line, no echo). The tablet's initial is
    the name's first letter (none without a name)."""
    name = normalise_tablet(tablet)
    identifier = valid_identifier(chart_number)
    born = valid_birth_date(birth_date)
    full_name = valid_patient_name(patient_name)
    if identifier is None:
        raise InvalidInput("give the patient's chart number")
    if born is None and full_name is None:
        raise InvalidInput("give the patient's date of birth (YYYY-MM-DD) or full name")
    initial = name_initial(full_name)
    now = now or utc_now()
    record = HandOff(name, PatientIds(identifier, born, full_name), initial, actor, now,
                     now + timedelta(minutes=minutes))
    with storage.engine.begin() as connection:
        # Expired hand-offs of any tablet go now: a patient's identifiers are not kept for a tablet
        # nobody started on again.
        stale = connection.execute(delete(tablet_hand_offs).where(
            tablet_hand_offs.c.tablet != name, tablet_hand_offs.c.expires_at <= now)).rowcount
        if stale:
            audit.write(connection, "hand_off_expired", actor, None, f"{stale} expired hand-off(s) removed", now)
        replaced = connection.execute(delete(tablet_hand_offs).where(tablet_hand_offs.c.tablet == name)).rowcount
        connection.execute(insert(tablet_hand_offs).values(
            tablet=name, patient_identifier=identifier, patient_birth_date=born, patient_name=full_name,
            first_initial=initial,
            started_by=actor, created_at=now, expires_at=record.expires_at))
        audit.write(connection, "hand_off_started", actor, None,
               f"tablet {name}; chart number ending {identifier[-4:]}; expires in {minutes} min"
               + ("; replaced a pending hand-off" if replaced else ""), now)
    return record


def pending(storage: Storage, tablet: str | None, *, now: datetime | None = None) -> HandOff | None:
    """The tablet's hand-off if one is waiting and not expired (read only)."""
    if tablet is None:
        return None
    now = now or utc_now()
    with storage.engine.connect() as connection:
        row = connection.execute(select(tablet_hand_offs).where(
            tablet_hand_offs.c.tablet == tablet, tablet_hand_offs.c.expires_at > now)).mappings().first()
    return None if row is None else _record(row)


def take(storage: Storage, tablet: str | None, *, now: datetime | None = None) -> HandOff | None:
    """The next patient starts on `tablet`: claim its hand-off once (None if there is none, it
    expired, or another session took it first). An expired one is removed, audited."""
    if tablet is None:
        return None
    now = now or utc_now()
    with storage.engine.begin() as connection:
        row = connection.execute(
            select(tablet_hand_offs).where(tablet_hand_offs.c.tablet == tablet).with_for_update()
        ).mappings().first()
        if row is None:
            return None
        won = connection.execute(delete(tablet_hand_offs).where(
            tablet_hand_offs.c.tablet == tablet, tablet_hand_offs.c.created_at == row["created_at"])).rowcount
        if not won:
            return None
        record = _record(row)
        if record.expires_at <= now:
            audit.write(connection, "hand_off_expired", PATIENT_KIOSK, None,
                   f"tablet {tablet}; started by {record.started_by}; not taken in time", now)
            return None
        audit.write(connection, "hand_off_taken", PATIENT_KIOSK, None,
               f"tablet {tablet}; chart number ending {record.patient.chart_number[-4:]}", now)
    return record


def cancel(storage: Storage, tablet: str, *, actor: str) -> bool:
    """Staff withdraw a pending hand-off; True if there was one. Audited."""
    name = normalise_tablet(tablet)
    now = utc_now()
    with storage.engine.begin() as connection:
        gone = connection.execute(delete(tablet_hand_offs).where(tablet_hand_offs.c.tablet == name)).rowcount
        if gone:
            audit.write(connection, "hand_off_cancelled", actor, None, f"tablet {name}", now)
    return bool(gone)


def waiting(storage: Storage, *, now: datetime | None = None) -> list[HandOff]:
    """Every pending, unexpired hand-off, by tablet (the queue lists them)."""
    now = now or utc_now()
    with storage.engine.connect() as connection:
        rows = connection.execute(select(tablet_hand_offs).where(tablet_hand_offs.c.expires_at > now)
                                  .order_by(tablet_hand_offs.c.tablet)).mappings().all()
    return [_record(row) for row in rows]


def _record(row: RowMapping) -> HandOff:
    get = row.__getitem__
    patient = PatientIds(get("patient_identifier"), as_date(get("patient_birth_date")), get("patient_name"))
    return HandOff(get("tablet"), patient, get("first_initial"),
                   get("started_by"), aware(get("created_at")), aware(get("expires_at")).astimezone(UTC))
