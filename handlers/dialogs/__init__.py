"""The dialogs, one module each: states, questions and steps declared with
``handlers.dialog_machine``; the engine (``handlers.engine``) runs them, ``kiteline dialogs``
draws them. Which dialogs exist is listed once, in ``handlers.registry``."""
