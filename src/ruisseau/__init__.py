"""Ruisseau: self-hostable social micro-donations in the spirit of Flattr 1.0."""

__version__ = "0.1.0"
