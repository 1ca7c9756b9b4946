"""communique: event data from official news, every field traced to its evidence."""
__version__ = "0.1.0"
