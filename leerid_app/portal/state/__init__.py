"""States of the Leerlingloket; PortalState is their root and holds the pupil session."""
