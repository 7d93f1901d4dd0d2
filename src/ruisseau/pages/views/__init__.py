"""Views of the pages app: parse input, call one service, render."""
