"""De-identified statistics of a store: aggregates only, small cells suppressed.

The facts (:mod:`csvc_core.stats.facts`) hold sectors, levels, instruments and times, nothing else: no case id
leaves, no name, no date of birth, no free text is ever read to build them. :mod:`csvc_core.stats.compute`
counts and suppresses; :mod:`csvc_core.stats.output` writes CSV, JSON or HTML.
"""
