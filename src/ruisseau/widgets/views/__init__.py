"""Views of the widgets area: thin, one service call each (see the modules)."""
