"""What an alert says: reference, tablet, red-flag level, time and a link. Nothing else.

Never the answers, never the note, never free text: the alert leaves the building (chat tools,
mail servers), so it carries only what lets staff find the screening behind their sign-in.
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

LEVEL_WORDS = {
    "emergency": "EMERGENCY red flag",
    "same_day": "same-day red flag",
    "talk_now": "talk-now red flag",
}


@dataclass(frozen=True)
class AlertMessage:
    """One alert, ready for any channel."""

    alert_id: str  # stable per (submission, channel): receivers can drop a repeat
    reference: str
    tablet: str | None
    level: str | None
    saved_at: datetime
    link: str
    local_time: str

    @classmethod
    def build(
        cls, *, alert_id: str, reference: str, tablet: str | None, level: str | None, saved_at: datetime,
        base_url: str, timezone: str = "UTC",
    ) -> AlertMessage:
        local = saved_at.astimezone(ZoneInfo(timezone))
        link = base_url.rstrip("/") + SCREENING_PATH.format(reference=quote(reference, safe=""))
        return cls(alert_id, reference, tablet, level, saved_at, link, local.strftime("%H:%M %Z (%Y-%m-%d)"))

    @property
    def headline(self) -> str:
        level = LEVEL_WORDS.get(self.level or "", "red flag")
        return f"Urgent screening {self.reference}: {level}"

    @property
    def text(self) -> str:
        where = f"tablet {self.tablet}" if self.tablet else "tablet not named"
        return f"{self.headline}, {where}, at {self.local_time}. Open: {self.link}"

    def json_body(self) -> bytes:
        """The webhook body; `text` is what chat tools' incoming webhooks show."""
        return json.dumps(
            {
                "text": self.text,
                "event": "urgent_screening",
                "alert_id": self.alert_id,
                "reference": self.reference,
                "tablet": self.tablet,
                "level": self.level,
                "saved_at": self.saved_at.isoformat(),
                "link": self.link,
            },
            sort_keys=True,
        ).encode("utf-8")
