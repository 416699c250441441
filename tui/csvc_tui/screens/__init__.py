"""Screens of the csvc UI."""
