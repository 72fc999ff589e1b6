"""Page script for /staff (registered by app.py); the page itself lives in ui.coordinator."""

from ui.coordinator.pages import sign_in

sign_in()
