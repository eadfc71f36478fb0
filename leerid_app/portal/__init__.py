"""The Leerlingloket: the front door of pupils (pages and state apart from the console)."""
