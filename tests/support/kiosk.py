"""Drive the patient flow in AppTest the way a patient would: by what the screen says.

Answers are given by item id and answer code; the helper finds the question on screen by its
text (in the chosen language) and taps the matching label, then Next (or Skip).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from streamlit.testing.v1 import AppTest

from scoring import AnswerValue, Item, Questionnaire
from storage import Submission
from tests.support.answers import REPO
from ui.patient.strings import text

LANGUAGE_BUTTONS = {"en": "English", "es": "Español"}
WELCOME_BUTTONS = [text("read_aloud", "en"), text("read_aloud", "es"), "English", "Español"]
"""Every button of the welcome screen, in order: what a fresh tablet shows."""


@dataclass
class Kiosk:
    at: AppTest
    questionnaire: Questionnaire
    language: str = "en"

    # --- what is on screen -------------------------------------------------------------
    def words(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    def screen_text(self) -> str:
        """Every string rendered on the page (markdown, labels, alerts, buttons, captions)."""
        parts: list[str] = []
        for kind in ("title", "markdown", "caption", "error", "warning", "info", "success"):
            parts += [str(getattr(element, "value", "")) for element in self.at.get(kind)]
        for widget in (*self.at.radio, *self.at.checkbox, *self.at.button, *self.at.text_input):
            parts.append(str(widget.label))
        for radio in self.at.radio:
            parts += [str(option) for option in radio.options]
        parts += [element.proto.text for element in self.at.get("progress")]
        return "\n".join(parts)

    def progress(self) -> str:
        (bar,) = self.at.get("progress")
        return str(bar.proto.text)

    def current_item(self) -> Item:
        labels = {radio.label for radio in self.at.radio} | {str(m.value) for m in self.at.markdown}
        for item in self.questionnaire.items:
            if item.text[self.language] in labels:
                return item
        raise AssertionError(f"no question on screen:\n{self.screen_text()}")

    def on_question(self) -> bool:
        return bool(self.at.get("progress"))

    def button(self, label: str):  # type: ignore[no-untyped-def]
        matches = [b for b in self.at.button if b.label == label]
        assert matches, f"no button {label!r} on screen; have {[b.label for b in self.at.button]}"
        return matches[0]

    def has_button(self, label: str) -> bool:
        return any(b.label == label for b in self.at.button)

    # --- what a patient does -----------------------------------------------------------
    def tap(self, label: str) -> Kiosk:
        self.button(label).click().run()
        assert not self.at.exception, self.at.exception
        return self

    def start(self, language: str) -> Kiosk:
        self.language = language
        return self.tap(LANGUAGE_BUTTONS[language])

    def choose(self, value: AnswerValue) -> Kiosk:
        item = self.current_item()
        if item.kind == "multiple":
            assert isinstance(value, tuple)
            regions = {code for _, code in item.body_map}
            for choice in item.choices:
                if choice.code in regions:  # a region of the body map: a button saying whether it is chosen
                    label = choice.label[self.language]
                    chosen = self.has_button(text("body_map_chosen", self.language, label=label))
                    if (choice.code in value) != chosen:
                        self.tap(text("body_map_chosen", self.language, label=label) if chosen else label)
                    continue
                box = next(c for c in self.at.checkbox if c.label == choice.label[self.language])
                if choice.code in value and not box.value:
                    box.check().run()
                elif choice.code not in value and box.value:
                    box.uncheck().run()
        else:
            (radio,) = self.at.radio
            radio.set_value(value).run()
        assert not self.at.exception, self.at.exception
        return self

    def forward(self) -> Kiosk:
        label = self.words("next") if self.has_button(self.words("next")) else self.words("skip")
        return self.tap(label)

    def answer(self, value: AnswerValue | None) -> Kiosk:
        if value is not None:
            self.choose(value)
        return self.forward()

    def answer_all(self, plan: Mapping[str, AnswerValue]) -> list[str]:
        """Answer every question shown (unlisted ones skipped) until review; returns the item ids seen."""
        seen: list[str] = []
        while self.on_question():
            item = self.current_item()
            seen.append(item.id)
            assert len(seen) <= len(self.questionnaire.items), "the flow loops"
            self.answer(plan.get(item.id))
        return seen

    def submit(self) -> Kiosk:
        label = self.words("retry") if self.has_button(self.words("retry")) else self.words("submit")
        return self.tap(label)


def reach(kiosk: Kiosk, item_id: str, plan: dict) -> None:  # type: ignore[type-arg]
    """Answer `plan` until `item_id` is on screen (not answered yet)."""
    while kiosk.current_item().id != item_id:
        kiosk.answer(plan.get(kiosk.current_item().id))


def tablet_app(name: str) -> AppTest:
    """The app opened at a named tablet's address (`?tablet=name`), on its welcome screen."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=20)
    at.query_params["tablet"] = name
    at.run()
    assert not at.exception, at.exception
    return at


Saved = Callable[[], list[Submission]]
"""`saved()`: every submission in the test's database, newest first."""
