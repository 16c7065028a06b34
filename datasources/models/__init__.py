"""SQLAlchemy models, one declarative base (and so one database) per source system."""
