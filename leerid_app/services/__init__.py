"""The rules of the LeerID manual, free of any UI framework."""
