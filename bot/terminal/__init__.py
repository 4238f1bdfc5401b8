"""The terminal front end: the command line, its text renderer and templates, and JSON."""
