"""Identity mechanics shared by every realm (administrators, pupils): throttling and sessions."""
