"""csvc_tui — the terminal UI of csvc (Textual), French first.

The language is chosen before any UI class is imported (:func:`csvc_tui.text.set_language`), because Textual
fixes binding labels when classes are defined. Nothing here scores, stores or decides: screens call the same
service functions of ``csvc_core`` as the command line.
"""
