"""The screen's accuracy (url /accuracy): per questionnaire version over the chosen
dates, screenings, examined, the 2x2 of the screen's suggestion against the clinician's
conclusion, PPV, sensitivity, specificity and NPV with Wilson 95% intervals ("too few to tell"
when an interval is wider than +/-20 points), the number not yet decided, and per red flag how
often it was confirmed or a false alarm. Counts only; audited once per look."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from scoring.accuracy import VERIFICATION_BIAS, TwoByTwo, VersionAccuracy
from storage.examinations import accuracy
from ui import resources
from ui.coordinator import guard, header
from ui.coordinator import session as staff

_LOOKED = staff.widget_key("accuracy:looked")


def render() -> None:
    session = guard.require_staff()
    st.title("Screen accuracy")
    header.render(session)
    st.caption("How often the screen's suggestion matched the examining clinician's own conclusion. "
               "Counts only; no patient is named here.")
    left, right = st.columns(2)
    date_from: date | None = left.date_input("From (screening date)", value=None, key=staff.widget_key("accuracy:from"))
    date_to: date | None = right.date_input("To (screening date)", value=None, key=staff.widget_key("accuracy:to"))
    figures = accuracy(resources.storage(), date_from=date_from, date_to=date_to)
    looked = (date_from, date_to)
    if st.session_state.get(_LOOKED) != looked:  # one audit row per look, not per rerun
        resources.storage().record_event("accuracy_viewed", actor=session.actor,
                                         detail=f"from {date_from or 'start'} to {date_to or 'today'}")
        st.session_state[_LOOKED] = looked
    st.info(VERIFICATION_BIAS)
    if not figures:
        st.write("No screenings in these dates.")
    for version in figures:
        _version(version)


def _version(version: VersionAccuracy) -> None:
    st.subheader(f"Questionnaire version {version.questionnaire_version}")
    columns = st.columns(3)
    columns[0].metric("Screenings", f"{version.screenings:,}")
    columns[1].metric("Examined", f"{version.examined:,}")
    columns[2].metric("Not yet decided", f"{version.not_yet_decided:,}")
    for title, table in (("Screen positive = referral suggested", version.referral),
                         ("Screen positive = referral suggested or clinician review", version.referral_or_review)):
        st.markdown(f"**{title}**")
        st.table(two_by_two_frame(table))
        st.table(figures_frame(table))
    if version.red_flags:
        st.markdown("**Red flags among examined screenings**")
        st.table(pd.DataFrame(
            [{"Red flag": t.red_flag, "Raised": t.raised, "Confirmed": t.confirmed, "False alarm": t.false_alarm,
              "Not assessed": t.not_assessed} for t in version.red_flags]).set_index("Red flag"))


def two_by_two_frame(table: TwoByTwo) -> pd.DataFrame:
    return pd.DataFrame(
        {"Clinician: meets criteria": [table.true_positive, table.false_negative],
         "Clinician: does not meet": [table.false_positive, table.true_negative]},
        index=["Screen positive", "Screen negative"],
    )


def figures_frame(table: TwoByTwo) -> pd.DataFrame:
    return pd.DataFrame(
        {"Figure": ["Positive predictive value", "Sensitivity", "Specificity", "Negative predictive value"],
         "Value (Wilson 95% interval)": [table.ppv.shown(), table.sensitivity.shown(), table.specificity.shown(),
                                         table.npv.shown()]}
    ).set_index("Figure")
