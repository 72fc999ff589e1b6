"""What an alert says: how soon to act, the reference, tablet, time and a link. Nothing else.

Never the answers, never the note, never free text, and never which red flag or its level: the
alert leaves the building (chat tools, mail servers), and only self-harm is `talk_now`, so the
level's name would disclose it. Emergency and talk-now both read "go to
the patient now"; same-day reads "today". The details stay behind sign-in, at the link.

The patient is named only by the chart number's last 4 characters ("chart ...5678"),
never the name or the date of birth; "anonymous walk-up" when no patient is attached (the words
"no patient attached" would put "no", an answer code, in a message that must carry no answers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

SCREENING_PATH = "/staff?reference={reference}"
"""Where the link points, after APP_BASE_URL: the staff sign-in page, the one staff URL that
works in a fresh browser tab; it passes the reference on to open that screening."""

GO_NOW, TODAY = "urgent: go to the patient now", "urgent: today"
URGENCY = {"emergency": GO_NOW, "talk_now": GO_NOW, "same_day": TODAY}
"""How soon, by red-flag level; an unknown level (None) is treated as the most urgent."""


def urgency(level: str | None) -> str:
    """The only words an alert has about the red flag: "go to the patient now" or "today"."""
    return URGENCY.get(level or "", GO_NOW)


@dataclass(frozen=True)
class AlertMessage:
    """One alert, ready for any channel. `level` is kept for the worker, never sent."""

    alert_id: str  # unique across databases (see alerts.worker.alert_id): receivers can drop a repeat
    reference: str
    tablet: str | None
    level: str | None
    saved_at: datetime
    link: str
    local_time: str
    chart_last4: str | None = None

    @classmethod
    def build(
        cls, *, alert_id: str, reference: str, tablet: str | None, level: str | None, saved_at: datetime,
        base_url: str, timezone: str = "UTC", chart_last4: str | None = None,
    ) -> AlertMessage:
        local = saved_at.astimezone(ZoneInfo(timezone))
        link = base_url.rstrip("/") + SCREENING_PATH.format(reference=quote(reference, safe=""))
        return cls(alert_id, reference, tablet, level, saved_at, link, local.strftime("%H:%M %Z (%Y-%m-%d)"),
                   chart_last4[-4:] if chart_last4 else None)

    @property
    def urgency(self) -> str:
        return urgency(self.level)

    @property
    def headline(self) -> str:
        """The e-mail subject: how soon, and the reference (no flag, no level)."""
        return f"{self.urgency} (screening {self.reference})"

    @property
    def patient(self) -> str:
        """"chart ...5678" (the last 4 only), or "anonymous walk-up"."""
        return f"chart ...{self.chart_last4}" if self.chart_last4 else "anonymous walk-up"

    @property
    def text(self) -> str:
        where = f"tablet {self.tablet}" if self.tablet else "tablet not named"
        return f"{self.headline}, {self.patient}, {where}, at {self.local_time}. Details after sign-in: {self.link}"

    def json_body(self) -> bytes:
        """The webhook body; `text` is what chat tools' incoming webhooks show."""
        return json.dumps(
            {
                "text": self.text,
                "event": "urgent_screening",
                "urgency": "now" if self.urgency == GO_NOW else "today",
                "alert_id": self.alert_id,
                "reference": self.reference,
                "tablet": self.tablet,
                "chart_last4": self.chart_last4,
                "saved_at": self.saved_at.isoformat(),
                "link": self.link,
            },
            sort_keys=True,
        ).encode("utf-8")
