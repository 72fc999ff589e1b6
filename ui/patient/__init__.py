"""The patient's waiting-room flow: language, one question per screen, review, submit, thanks.

`page.render()` is the entry point (app.py's default page). `state` owns the one session-state
object (`PatientSession`) and the widget keys; `flow` is the pure branching and progress logic;
the other modules each draw one screen. Answers live only in that session object: never in a
cache, a module global, a log or the URL.

Must not import SQLAlchemy (only `storage` touches the database, through `ui.resources`) or
`report` (patients get no PDF).
"""
