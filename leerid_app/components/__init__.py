"""Reusable UI pieces: the page frame, tables, fields and messages."""
