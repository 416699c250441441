"""csvc_tui — the terminal UI of csvc (Textual), French first.

The language is chosen before the app is built (:func:`csvc_tui.text.set_language`), before or after the
screens are imported: texts are read when shown. Nothing here scores, stores or decides: screens call the same
service functions of ``csvc_core`` as the command line.
"""
