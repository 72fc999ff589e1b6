"""The intake coordinator's pages: sign-in, the queue (open urgents first), a screening with review
actions and downloads, the CSV export and the audit log.

`pages` lists every page and `nav` moves between them (`nav.go`, `nav.open_screening`);
`session` owns the typed staff session; `guard` signs staff in and out and starts every page
(`guard.require_staff`). Every view, action, download and export is
audited.
"""
