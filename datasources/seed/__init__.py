"""Deterministic synthetic demo data for the FCR, NDNH and offsets databases."""

from __future__ import annotations

from datasources.seed.seeding import DEFAULT_SEED, seed_all
from datasources.seed.summary import SeedSummary

__all__ = ["DEFAULT_SEED", "SeedSummary", "seed_all"]
