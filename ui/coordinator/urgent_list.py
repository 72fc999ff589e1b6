"""The queue's live urgent list: every open (unacknowledged) urgent screening in order of danger
(emergency, talk-now, same-day; longest waiting first within each: `storage.urgent`), the count
per level, every emergency and talk-now always on the first screen (only same-day rows are
paged), demo rows hidden unless asked for; with the tablet, minutes waiting and "overdue" for
those from before the clinic's today (CLINIC_TIMEZONE).
Re-runs every 5 s; a new one rings a short chime and raises a browser notification (where the
coordinator allowed it with a first click). The alert snippet carries no patient data."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

import streamlit as st

from scoring import Questionnaire, red_flag_concerns
from storage import Submission
from storage.demo import DEMO_TABLET  # the tablet name `make demo-data` gives its rows
from storage.urgent import SAME_DAY, UrgentList, urgent_list
from ui import resources
from ui.coordinator import clinic_clock, nav
from ui.coordinator import session as staff

PAGE_SIZE = 20

ENABLE_ALERTS_HTML = """
<style>
  #on {font-family: 'Source Sans', sans-serif; font-size: 20px; line-height: 32px; min-height: 50px;
       padding: 5px 15px; border: 1px solid rgba(17, 24, 39, .2); border-radius: 10px; background: #fff;
       color: #111827; cursor: pointer; box-sizing: border-box; margin: 0}
  body {margin: 0; padding: 2px}
  #on:hover {border-color: #1d4ed8; color: #1d4ed8}
  #state {font-family: 'Source Sans', sans-serif; font-size: 20px; margin-left: 10px}
</style>
<button id="on">Turn on sound and desktop alerts</button>
<span id="state"></span>
<script>
const state = document.getElementById("state");
function show() { state.textContent = localStorage.getItem("crpsAlerts") === "on" ? "Alerts are on." : ""; }
document.getElementById("on").addEventListener("click", async () => {
  localStorage.setItem("crpsAlerts", "on");
  try { new AudioContext().resume(); } catch (e) {}
  if ("Notification" in window && Notification.permission === "default") {
    try { await Notification.requestPermission(); } catch (e) {}
  }
  show();
});
show();
</script>
"""

NEW_URGENT_HTML = """
<!-- new urgent screening NONCE: outside the script, so the script's text (and so the hash the
     proxy's Content-Security-Policy allows, deploy/Caddyfile) never changes -->
<script>
if (localStorage.getItem("crpsAlerts") === "on") {
  try {
    const audio = new AudioContext(), tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = 880; gain.gain.value = 0.2;
    tone.connect(gain); gain.connect(audio.destination);
    tone.start(); tone.stop(audio.currentTime + 0.4);
  } catch (e) {}
  if ("Notification" in window && Notification.permission === "granted") {
    new Notification("Urgent screening", {body: "A new urgent screening is waiting in the queue."});
  }
  window.__crpsAlerted = (window.__crpsAlerted || 0) + 1;
}
</script>
"""


def tablet(submission: Submission) -> str:
    return submission.tablet or ""


def is_demo(submission: Submission) -> bool:
    return tablet(submission) == DEMO_TABLET


def minutes_waiting(submission: Submission, now: datetime) -> int:
    return max(0, int((now - submission.created_at).total_seconds() // 60))


def is_overdue(submission: Submission, now: datetime, clinic_zone: tzinfo) -> bool:
    """Raised before the clinic's today and still open."""
    return clinic_clock.today(clinic_zone, submission.created_at) < clinic_clock.today(clinic_zone, now)


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~$"})


NO_PATIENT = "no patient attached"


def patient_words(row: Submission) -> str:
    """The patient's identifiers for staff (behind sign-in, never in an alert): "chart 12345678,
    born 1980-02-03", with ", name María López" when the desk gave the name, or "no patient
    attached" (an anonymous walk-up: staff attach the patient on the detail page)."""
    if row.patient_identifier is None:
        return NO_PATIENT
    words = [f"chart {row.patient_identifier}"]
    if row.patient_birth_date is not None:
        words.append(f"born {row.patient_birth_date:%Y-%m-%d}")
    if row.patient_name:
        words.append(f"name {row.patient_name}")
    if len(words) == 1:
        words.append("date of birth or name not given")
    return ", ".join(words)


def urgent_line(row: Submission, questionnaire: Questionnaire, now: datetime, zone: tzinfo) -> str:
    """One urgent screening as Markdown: reference (DEMO), tablet, minutes waiting (OVERDUE), then
    the red-flag concerns, most severe first (text from the questionnaire, escaped)."""
    overdue = " · OVERDUE" if is_overdue(row, now, zone) else ""
    concerns = "; ".join(red_flag_concerns(questionnaire, row.result, "en")) + (
        "" if row.complete else " · patient had not finished")
    return (f"**{row.reference}**" + (" · DEMO" if is_demo(row) else "")
            + f" · {(tablet(row) or 'no tablet').translate(_MARKDOWN)} · {minutes_waiting(row, now)} min{overdue}"
            + f" · {patient_words(row).translate(_MARKDOWN)}  \n"
            + concerns.translate(_MARKDOWN))


def enable_alerts_button() -> None:
    """The coordinator's first click turns on the chime and asks for notification permission."""
    # Styled as the pages' own secondary buttons (.streamlit/config.toml: baseFontSize 20, text #111827;
    # the frame has none of the page's CSS): issue 20.15.
    st.iframe(ENABLE_ALERTS_HTML, height=56)


LEVEL_WORDS = {"emergency": "emergency", "talk_now": "talk-now", "same_day": "same-day"}


def heading(urgent: UrgentList) -> str:
    """The list's heading: the total, then the count per level, most severe first (in the app,
    behind sign-in, the levels are named; alerts that leave the building never name them)."""
    per_level = ", ".join(f"{count} {LEVEL_WORDS[level]}" for level, count in urgent.counts.items())
    return (f"URGENT: {urgent.total} open urgent screening(s) need staff now: {per_level}. "
            "Emergencies first, then talk-now, then same-day; longest waiting first within each. "
            "Open each and acknowledge it.")


@st.fragment(run_every=5)
def live_urgent_list() -> None:
    session = staff.current()
    if session is None:
        return
    storage = resources.storage()
    questionnaire = resources.questionnaire()
    show_demo = bool(st.session_state.get(staff.widget_key("urgent-show-demo"), False))
    urgent = urgent_list(storage, page=session.urgent_page, page_size=PAGE_SIZE, include_demo=show_demo)
    if session.urgent_page > 1 and not urgent.same_day and urgent.counts[SAME_DAY]:
        session.urgent_page = 1
        urgent = urgent_list(storage, page=1, page_size=PAGE_SIZE, include_demo=show_demo)
    _chime_if_new(session, urgent)
    if urgent.demo_hidden or show_demo:
        st.checkbox(f"Show demo screenings ({urgent.demo_hidden} open demo urgents hidden)" if not show_demo
                    else "Show demo screenings", key=staff.widget_key("urgent-show-demo"))
    if not urgent.total:
        st.success("No open urgent screenings.")
        return
    now, zone = datetime.now(UTC), clinic_clock.zone()
    demo = sum(1 for row in urgent.rows if is_demo(row))
    st.error(heading(urgent) + (f" {demo} on this page are DEMO data." if demo else ""), icon=":material/warning:")
    for row in urgent.go_now + urgent.same_day:  # two columns and one line per row: most of the page's run
        line, button = st.columns([6.4, 0.8], vertical_alignment="center")
        line.markdown(urgent_line(row, questionnaire, now, zone))
        if button.button("Open", key=staff.widget_key(f"open-urgent:{row.id}")):
            nav.open_screening(row.id)
    pages = urgent.same_day_pages
    if pages > 1:  # only same-day rows are paged: every emergency and talk-now is above, on every page
        back, where, forward = st.columns([1, 2, 1])
        where.caption(f"Same-day page {session.urgent_page} of {pages} (emergencies and talk-now always above)")
        if back.button("← Longer waiting", disabled=session.urgent_page <= 1, key=staff.widget_key("urgent-prev")):
            session.urgent_page -= 1
            st.rerun(scope="fragment")
        if forward.button("Newer same-day →", disabled=session.urgent_page >= pages,
                          key=staff.widget_key("urgent-next")):
            session.urgent_page += 1
            st.rerun(scope="fragment")


def _chime_if_new(session: staff.StaffSession, result: UrgentList) -> None:
    """Ring once when more urgents are open than at the last look, or one newer than any seen
    (the first look is silent: nothing is new yet)."""
    newest = max((row.id for row in result.rows), default=0)
    seen = session.urgent_seen
    if seen is not None:
        newest = max(newest, seen[1])
        if result.total > seen[0] or newest > seen[1]:
            st.iframe(NEW_URGENT_HTML.replace("NONCE", f"{result.total}-{newest}"), height=1)
    session.urgent_seen = (result.total, newest)
