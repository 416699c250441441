"""Widgets of the csvc UI."""
