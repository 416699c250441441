"""Reports for people: a case report (HTML or Markdown), a victim's printable plan, a concertation summary.

Reports are built from the same JSON the store gives ``csvc case show --json`` (with each assessment's
stored result), rendered with Jinja2 templates (``templates/``; autoescaping on for HTML) in French or
English, or drawn as PDF by :mod:`csvc_core.reports.pdf` from the same data.
Nothing here reads the store itself: :mod:`csvc_core.cli.report` reads it, audited, and passes the data in.
"""
