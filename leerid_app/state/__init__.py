"""Reflex state, one module per page; handlers call services and translate errors to Dutch."""
