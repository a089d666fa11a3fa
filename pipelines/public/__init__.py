"""Data the residents' page (/public) publishes besides field reports: online support points."""
