"""Page script for /queue (registered by app.py); the page itself lives in ui.coordinator."""

from ui.coordinator.pages import queue

queue()
