"""News feeds into the corpus folder: polling, safe fetching, article files (no Discord here)."""
