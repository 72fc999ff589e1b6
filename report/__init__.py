"""The PDF summary of one screening: a pure function from the scoring result to PDF bytes.

Built from the same `ScreeningResult` the screen shows (reportlab, fonts shipped with it).
Two variants from one builder: the clinician copy (English) and the patient copy (the
patient's language, plain words, no counts). Must not import Streamlit or the database; only
the command line (`python -m report`) reads submissions through `storage`.
"""

from report.document import SummaryHeader, SummaryOptions, build_summary, report_words, summary_filename

__all__ = ["SummaryHeader", "SummaryOptions", "build_summary", "report_words", "summary_filename"]
