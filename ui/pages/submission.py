"""Page script for /submission (registered by app.py); the page itself lives in ui.coordinator."""

from ui.coordinator.pages import detail

detail()
