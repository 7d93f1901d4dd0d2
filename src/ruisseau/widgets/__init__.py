"""Buttons, badges, the loader, auto-submit, ownership proof, sites."""
