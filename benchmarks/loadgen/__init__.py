"""A load generator that drives the running app through its own websocket, as browsers do."""
