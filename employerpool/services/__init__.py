"""Domain logic the views and the CLI call."""
