"""briefbot: a Discord bot that briefs a team on a folder of documents."""

__version__ = "0.1.0"
