"""The intake coordinator's pages: sign-in, the queue (urgent first), a submission's detail with
review actions and PDF downloads, the CSV export and the audit log.

Registered by app.py only after sign-in, and every page checks access again itself
(`access.require_staff`). Every view, action, download and export is audited.
"""
