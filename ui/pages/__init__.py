"""Page scripts registered by app.py with `st.navigation`; files so tests can switch to them."""
