"""One cog per command family."""
