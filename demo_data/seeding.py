"""seed_all: clear the FCR, NDNH and offsets databases and fill them with synthetic data."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

from datasources.blobs import BlobStore
from demo_data.documents import seed_documents
from demo_data.employers import EmployerDirectory, employer_batches, employer_count
from demo_data.families import participant_batches
from demo_data.rows import Batch
from demo_data.scenarios import MIN_PARTICIPANTS
from demo_data.summary import SeedSummary
from demo_data.writer import clear, reset_sequences, write

DEFAULT_SEED = 20261123
SEEDED_SOURCES = ("fcr", "ndnh", "offsets", "documents")
"""The sources whose databases `seed_all` writes (each must be migrated first)."""
PARTICIPANTS_PER_BATCH = 5_000
EMPLOYERS_PER_BATCH = 2_000


async def seed_all(
    engines: Mapping[str, AsyncEngine],
    *,
    participants: int,
    seed: int = DEFAULT_SEED,
    progress: bool = True,
    blobs: BlobStore | None = None,
) -> SeedSummary:
    """Replace the rows of every FCR, NDNH and offsets table; same arguments, same rows.

    With a "documents" engine, the exchanged documents are replaced too, their
    contents written to `blobs` (without a blob store, sent documents have no content).
    """
    if participants < MIN_PARTICIPANTS:
        raise ValueError(f"participants must be at least {MIN_PARTICIPANTS}")
    await clear(engines)
    counts: Counter[str] = Counter()
    directory = await _seed_employers(engines, seed, employer_count(participants), counts)
    await _seed_families(engines, seed, participants, directory, counts, progress)
    await reset_sequences(engines)
    if "documents" in engines:
        counts["documents"] = await seed_documents(engines, seed, blobs)
    return SeedSummary.from_counts(counts)


async def _seed_employers(
    engines: Mapping[str, AsyncEngine], seed: int, count: int, counts: Counter[str]
) -> EmployerDirectory:
    directory = EmployerDirectory.generate(_rng(seed, "employer-states"), count)
    batches = employer_batches(_rng(seed, "employers"), directory, EMPLOYERS_PER_BATCH)
    await _write_all(engines, batches, counts, None)
    return directory


async def _seed_families(
    engines: Mapping[str, AsyncEngine],
    seed: int,
    participants: int,
    directory: EmployerDirectory,
    counts: Counter[str],
    progress: bool,
) -> None:
    rng = _rng(seed, "families")
    batches = participant_batches(rng, participants, directory, PARTICIPANTS_PER_BATCH)
    bar = tqdm(total=participants, unit="participant", desc="seeding", disable=not progress)
    with bar:
        await _write_all(engines, batches, counts, bar)


def _rng(seed: int, stream: str) -> random.Random:
    """An independent, reproducible random stream per kind of data."""
    return random.Random(f"{seed}:{stream}")


async def _write_all(
    engines: Mapping[str, AsyncEngine],
    batches: Iterable[Batch],
    counts: Counter[str],
    bar: tqdm | None,
) -> None:
    for batch in batches:
        await write(engines, batch)
        counts.update(batch.counts())
        if bar is not None:
            bar.update(batch.participants)
