"""Page script for /audit (registered by app.py); the page itself lives in ui.coordinator."""

from ui.coordinator.pages import audit

audit()
