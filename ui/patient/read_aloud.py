"""Read-aloud: a large button on every patient screen that reads the screen in its language.

The browser's own speech synthesis is used when the tablet has a voice for the language;
otherwise audio rendered on the server with espeak-ng (`speech`) plays. Both are decided in the
browser by one static script (its hash is allowed by the proxy's Content-Security-Policy,
deploy/Caddyfile); what to say travels beside it in a hidden element's `data-` attributes, so
the script's text never changes. Questions, answer labels and screen words are cached on disk
(static text); anything holding a patient's own answers or code is rendered for this session
only and never cached.
"""

from __future__ import annotations

import html
import logging

import streamlit as st

from speech import SpeechUnavailable
from ui import resources
from ui.patient import state
from ui.patient.state import PatientSession
from ui.patient.strings import text as words

_log = logging.getLogger("crps.patient")

READ_ALOUD_SCRIPT = """<script>
(function () {
  const marks = document.querySelectorAll("[data-read-aloud]");
  const mark = marks[marks.length - 1];
  if (!mark || mark.dataset.started) return;
  mark.dataset.started = "1";
  const text = mark.dataset.text, lang = mark.dataset.lang;
  const synth = window.speechSynthesis;
  const voices = synth && synth.getVoices ? synth.getVoices().filter(
    (voice) => (voice.lang || "").toLowerCase().replace("_", "-").split("-")[0] === lang) : [];
  if (voices.length) {
    synth.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    utterance.voice = voices[0];
    synth.speak(utterance);
    mark.dataset.spoken = "browser";
    return;
  }
  let tries = 0;
  (function play() {
    const audios = document.querySelectorAll(".st-key-read-aloud-audio audio");
    const audio = audios[audios.length - 1];
    if (audio) {
      audio.currentTime = 0;
      audio.play().then(() => { mark.dataset.spoken = "server"; }, () => { mark.dataset.spoken = "blocked"; });
      return;
    }
    if (++tries < 60) { setTimeout(play, 50); } else { mark.dataset.spoken = "none"; }
  })();
})();
</script>"""


def auto_on(session: PatientSession) -> bool:
    """Read each new question by itself: the patient's choice on the welcome screen, else the
    clinic's `READ_ALOUD` setting (off by default)."""
    return session.read_aloud if session.read_aloud is not None else resources.settings().read_aloud


def offer(session: PatientSession, name: str, said: str, language: str, *, keep: bool = True,
          auto: bool = False) -> None:
    """A large "Read aloud" button that reads `said` in `language`; plays at once when `auto`.

    `keep=False` for text that holds the patient's own answers or code: its audio is made for
    this page only and never written to the shared cache.
    """
    tapped = st.button(words("read_aloud", language), icon=":material/volume_up:",
                       key=state.widget_key(session, f"read-aloud:{name}"), width="stretch")
    if tapped or auto:
        session.read_aloud_plays += 1
        play(said, language, session.read_aloud_plays, keep=keep)


def offer_new_question(session: PatientSession, name: str, said: str, language: str) -> None:
    """The question screen's button; reads by itself the first time a question is drawn when on."""
    here = (session.step, session.item_id)
    auto = auto_on(session) and session.read_aloud_screen != here
    session.read_aloud_screen = here
    offer(session, name, said, language, auto=auto)


def play(said: str, language: str, nonce: int, *, keep: bool = True) -> None:
    """Send the audio (when the server can make it) and the script that chooses a voice."""
    with st.container(key="read-aloud-audio"):
        wav = _server_audio(said, language, keep=keep)
        if wav is not None:
            st.audio(wav, format="audio/wav")
    mark = (f'<div hidden data-read-aloud="{nonce}" data-lang="{html.escape(language, quote=True)}" '
            f'data-text="{html.escape(said, quote=True)}"></div>')
    st.html(mark + READ_ALOUD_SCRIPT, unsafe_allow_javascript=True)


def _server_audio(said: str, language: str, *, keep: bool) -> bytes | None:
    cache = resources.speech_cache()
    try:
        if keep:
            return cache.audio(said, language, resources.questionnaire().version)
        return cache.render(said, language)
    except SpeechUnavailable as exc:  # the browser's own voice may still read it
        _log.warning("read-aloud: no server audio (%s)", exc)
        return None
