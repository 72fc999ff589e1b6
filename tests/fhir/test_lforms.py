"""Our exported Questionnaire in a renderer nobody here wrote: LHC-Forms (npm `lforms` 40.1.3,
installed by .ci/run into tests/fhir/lforms/node_modules; nothing is fetched at test time), in
Chromium. The questions appear in English, symptom questions only after "Yes" to pain, and the
form's own QuestionnaireResponse scores through `python -m scoring score` like our tablet's answers.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from scoring import Questionnaire, score
from scoring.fhir import FhirNames, check_response
from tests.support.answers import DEFAULT_QUESTIONNAIRE, NO_PAIN, REPO, answers, with_categories
from tests.support.fhir import BASE

pytestmark = pytest.mark.browser
DIST = REPO / "tests" / "fhir" / "lforms" / "node_modules" / "lforms" / "dist" / "lforms"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="lforms/webcomponent/styles.css"></head>
<body><div id="form"></div>
<script src="lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="lforms/webcomponent/runtime.js"></script>
<script src="lforms/webcomponent/polyfills.js"></script>
<script src="lforms/webcomponent/main.js"></script>
<script src="lforms/fhir/R4/lformsFHIR.min.js"></script></body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def lforms_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local http.server thread serving LHC-Forms and a page that loads it."""
    if not (DIST / "webcomponent" / "main.js").exists():
        message = "LHC-Forms not installed: cd tests/fhir/lforms && npm ci --legacy-peer-deps"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("lforms")
    (root / "lforms").symlink_to(DIST)
    (root / "form.html").write_text(PAGE, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/form.html"
    server.shutdown()
    thread.join()


@pytest.fixture
def form(browser: Any, lforms_url: str, exported: dict[str, Any]) -> Iterator[Any]:
    """Our Questionnaire rendered by LHC-Forms in a fresh context of the shared Chromium."""
    context = browser.new_context(viewport={"width": 1100, "height": 1400}, locale="en-US")
    page = context.new_page()
    page.goto(lforms_url)
    page.wait_for_function("() => window.LForms && window.LForms.Util && window.LForms.Util.addFormToPage")
    page.evaluate("q => LForms.Util.addFormToPage(q, 'form', {fhirVersion: 'R4'})", exported)
    page.locator('label[for="pain_present/1"]').wait_for()
    yield page
    context.close()


def _question(page: Any, item_id: str) -> Any:
    return page.locator(f'label[for="{item_id}/1"]')


def _fill(page: Any, questionnaire: Questionnaire, flat: dict[str, object]) -> None:
    """Answer like a patient: click each answer's radio button or check box, type the number.

    Items are answered in questionnaire order and each is waited for, so an item LHC-Forms
    enables only after an earlier answer (enableWhen) is there before it is answered.
    """
    system = FhirNames.of(questionnaire, BASE).system("answer")
    for item in questionnaire.items:
        value = flat.get(item.id)
        if value is None:
            continue
        _question(page, item.id).wait_for()
        if isinstance(value, int):
            field = page.locator(f'[id="{item.id}/1"]')
            field.fill(str(value))
            field.press("Tab")
            continue
        for code in value if isinstance(value, list) else [value]:
            page.locator(f'label[id="{item.id}/1|{system}|{code}"]').click()


def _score_cli(tmp_path: Path, response: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "lforms-response.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    finished = subprocess.run(
        [sys.executable, "-m", "scoring", "score", "--questionnaire", str(DEFAULT_QUESTIONNAIRE),
         "--answers", str(path), "--base-url", BASE],
        capture_output=True, text=True, cwd=REPO, check=False,
    )
    assert finished.returncode == 0, finished.stderr
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def test_questions_in_english_and_symptoms_only_after_yes_to_pain(form: Any, questionnaire: Questionnaire) -> None:
    page = form
    english = {item.id: item.text["en"] for item in questionnaire.items}
    assert page.get_by_text(questionnaire.title["en"], exact=True).is_visible()
    assert _question(page, "pain_present").inner_text().startswith(english["pain_present"])
    assert _question(page, "stroke_signs_last_hours").is_visible()  # red flags are asked of everyone
    assert _question(page, "burning_pain").count() == 0
    assert page.get_by_text(questionnaire.item("pain_present").text["es"], exact=False).count() == 0
    page.locator('label[id$="|no"][id^="pain_present/1|"]').click()
    assert _question(page, "burning_pain").count() == 0
    page.locator('label[id$="|yes"][id^="pain_present/1|"]').click()
    _question(page, "burning_pain").wait_for()
    assert _question(page, "burning_pain").inner_text().startswith(english["burning_pain"])
    assert page.locator('[id^="pain_location/1|"] input[type="checkbox"]').count() == 5
    assert page.locator('input[name="radiogroup_inciting_event/1"]').count() == 3  # radios, not a list


@pytest.mark.parametrize(
    "flat",
    [
        with_categories("sensory", "vasomotor", "sudomotor_edema", self_harm_thoughts="yes",
                        pain_location=["left_arm", "right_leg"]),
        with_categories("sensory", "motor_trophic"),
        {**NO_PAIN, "arm_or_leg_newly_swollen": "yes"},
        answers(),
    ],
    ids=["referral-urgent", "review", "no-pain-red-flag", "no-referral"],
)
def test_lforms_response_scores_like_our_tablet(
    form: Any, questionnaire: Questionnaire, exported: dict[str, Any], tmp_path: Path, flat: dict[str, object]
) -> None:
    page = form
    _fill(page, questionnaire, flat)
    assert page.evaluate("() => LForms.Util.checkValidity(document.getElementById('form'))") is None
    response = page.evaluate(
        "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'))"
    )
    assert response["resourceType"] == "QuestionnaireResponse"
    QuestionnaireResponse.model_validate(response)
    assert check_response(response, exported) == []
    from_lforms = _score_cli(tmp_path, response)
    ours = score(questionnaire, flat)
    assert (from_lforms["tier"], from_lforms["urgent"]) == (ours.tier, ours.urgent)
    assert from_lforms["answers"] == ours.to_dict()["answers"]
