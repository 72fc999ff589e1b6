"""Streamlit screens: the patient's waiting-room flow (`ui.patient`) and the intake
coordinator's pages (`ui.coordinator`).

Depends on `scoring`, `storage` and `report`; nothing depends on `ui`. Streamlit caching
lives only in `ui.resources` and never holds patient answers.
"""
