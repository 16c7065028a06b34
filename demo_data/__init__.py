"""Deterministic synthetic demo data for the FCR, NDNH and offsets databases."""

from __future__ import annotations

from demo_data.seeding import DEFAULT_SEED, seed_all
from demo_data.summary import SeedSummary

__all__ = ["DEFAULT_SEED", "SeedSummary", "seed_all"]
