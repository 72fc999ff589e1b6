"""The body map: where the pain is, answered by tapping the arms and legs of a body outline.

A real control, not a picture to click: each region is a labelled Streamlit button (reachable by
keyboard and screen reader, its state in its words: "Right arm or hand (chosen)"), placed around
a front-view outline drawn as static SVG that only highlights what is chosen. The figure faces
the patient, so the patient's right is on the left of the screen; both sides are labelled from
the patient's point of view. Chosen places are also listed in words, and the plain list of
check boxes is one tap away. Which answer each region stands for comes from the questionnaire
(`body_map:` on the item); answers with no region are check boxes below the figure.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import streamlit as st

from scoring import Item
from ui.patient import state
from ui.patient.state import PatientSession
from ui.patient.strings import text

# The patient's right is on the screen's left (the figure faces them).
_SCREEN_LEFT = ("right_arm", "right_leg")
_SCREEN_RIGHT = ("left_arm", "left_leg")
# Static outline: region -> SVG shape (front view, 200 x 320). No patient data in here.
_SHAPES = {
    "right_arm": '<path d="M62 82 L40 90 L22 170 L18 212 L34 214 L44 172 L60 120 Z"/>',
    "left_arm": '<path d="M138 82 L160 90 L178 170 L182 212 L166 214 L156 172 L140 120 Z"/>',
    "right_leg": '<path d="M66 178 L98 178 L96 250 L92 300 L60 306 L58 298 L72 292 L70 250 Z"/>',
    "left_leg": '<path d="M102 178 L134 178 L130 250 L128 292 L142 298 L140 306 L108 300 L104 250 Z"/>',
}
_BODY = ('<circle cx="100" cy="40" r="24"/>'
         '<path d="M62 78 Q100 66 138 78 L140 120 L134 180 L66 180 L60 120 Z"/>')


def show(session: PatientSession, item: Item, on_change: Callable[[str], None]) -> None:
    """Draw the map for `item`; `on_change(item_id)` runs after each tap (escalation, etc.)."""
    language = session.language
    regions = dict(item.body_map)
    chosen = set(session.answers.get(item.id, ()))  # type: ignore[arg-type]
    st.markdown(item.text[language])
    st.markdown(text("body_map_hint", language))  # plain text colour: a caption's grey is too faint
    left, figure, right = st.columns([3, 2, 3], vertical_alignment="top")
    sides = ((left, "body_map_your_right", _SCREEN_LEFT), (right, "body_map_your_left", _SCREEN_RIGHT))
    for column, side, names in sides:
        with column:
            st.markdown(f"**{text(side, language)}**")
            for region in names:
                if region in regions:
                    _region_button(session, item, region, regions[region], chosen, on_change)
    with figure:
        st.html(_figure(item, regions, chosen, language))
    places = [choice.label[language] for choice in item.choices if choice.code in chosen]
    with st.container(key="body-map-chosen"):
        st.markdown(text("body_map_you_chose", language, places=", ".join(places)) if places
                    else text("body_map_none", language))
    for choice in item.choices:
        if choice.code not in regions.values():
            st.checkbox(choice.label[language], value=choice.code in chosen,
                        key=state.widget_key(session, f"map-box:{item.id}:{choice.code}"),
                        on_change=_toggle_box, args=(item.id, choice.code, on_change), width="stretch")


def _region_button(session: PatientSession, item: Item, region: str, code: str, chosen: set[str],
                   on_change: Callable[[str], None]) -> None:
    label = item.choice(code).label[session.language]
    picked = code in chosen
    with st.container(key=f"body-region-{region}"):
        st.button(text("body_map_chosen", session.language, label=label) if picked else label,
                  key=state.widget_key(session, f"region:{item.id}:{region}"),
                  type="primary" if picked else "secondary", icon=":material/check:" if picked else None,
                  on_click=_toggle, args=(item.id, code, on_change), width="stretch")


def _figure(item: Item, regions: dict[str, str], chosen: set[str], language: str) -> str:
    """The outline as an <img> of inline SVG (st.html keeps no <svg>), its words in `alt`."""
    places = [item.choice(code).label[language] for region, code in regions.items() if code in chosen]
    shapes = ""
    for region, shape in _SHAPES.items():
        picked = regions.get(region) in chosen
        shapes += shape.replace("<path ", f'<path data-region="{region}" data-chosen="{str(picked).lower()}" '
                                          f'fill="{"#1d4ed8" if picked else "#f3f4f6"}" ')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 320" stroke="#374151" stroke-width="2">'
           f'<g fill="#ffffff">{_BODY}</g>{shapes}</svg>')
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    alt = text("body_map_picture", language, places=", ".join(places) or "-")
    marked = " ".join(region for region, code in regions.items() if code in chosen)
    return (f'<img class="body-map" src="{source}" alt="{html.escape(alt, quote=True)}" '
            f'data-chosen="{marked}" style="width:100%;max-height:320px">')


def _toggle(item_id: str, code: str, on_change: Callable[[str], None]) -> None:
    session = state.current()
    current = session.answers.get(item_id, ())
    picked = set(current) if isinstance(current, tuple) else set()
    picked ^= {code}
    _store(session, item_id, picked, on_change)


def _toggle_box(item_id: str, code: str, on_change: Callable[[str], None]) -> None:
    session = state.current()
    current = session.answers.get(item_id, ())
    picked = set(current) if isinstance(current, tuple) else set()
    if st.session_state.get(state.widget_key(session, f"map-box:{item_id}:{code}")):
        picked.add(code)
    else:
        picked.discard(code)
    _store(session, item_id, picked, on_change)


def _store(session: PatientSession, item_id: str, picked: set[str], on_change: Callable[[str], None]) -> None:
    from ui import resources

    item = resources.questionnaire().item(item_id)
    ordered = tuple(choice.code for choice in item.choices if choice.code in picked)
    if ordered:
        session.answers[item_id] = ordered
        session.missing_answer = False
    else:
        session.answers.pop(item_id, None)
    on_change(item_id)


def switch_view(item_id: str) -> None:
    """The map or the plain list: either shows the answers so far (their widgets start afresh)."""
    session = state.current()
    session.body_map_as_list = not session.body_map_as_list
    for prefix in (f"answer:{item_id}:", f"map-box:{item_id}:"):
        full = state.widget_key(session, prefix)
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(full)]:
            del st.session_state[key]
