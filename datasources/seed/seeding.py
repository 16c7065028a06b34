"""seed_all: clear the FCR, NDNH and offsets databases and fill them with synthetic data."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

from datasources.seed.employers import EmployerDirectory, employer_batches, employer_count
from datasources.seed.families import participant_batches
from datasources.seed.rows import Batch
from datasources.seed.scenarios import MIN_PARTICIPANTS
from datasources.seed.summary import SeedSummary
from datasources.seed.writer import clear, reset_sequences, write

DEFAULT_SEED = 20261123
PARTICIPANTS_PER_BATCH = 5_000
EMPLOYERS_PER_BATCH = 2_000


async def seed_all(
    engines: Mapping[str, AsyncEngine],
    *,
    participants: int,
    seed: int = DEFAULT_SEED,
    progress: bool = True,
) -> SeedSummary:
    """Replace the rows of every FCR, NDNH and offsets table; same arguments, same rows."""
    if participants < MIN_PARTICIPANTS:
        raise ValueError(f"participants must be at least {MIN_PARTICIPANTS}")
    await clear(engines)
    directory = EmployerDirectory.generate(
        _rng(seed, "employer-states"), employer_count(participants)
    )
    counts: Counter[str] = Counter()
    await _write_all(
        engines,
        employer_batches(_rng(seed, "employers"), directory, EMPLOYERS_PER_BATCH),
        counts,
        None,
    )
    with tqdm(
        total=participants,
        unit="participant",
        unit_scale=True,
        desc="seeding",
        disable=not progress,
    ) as bar:
        stream = participant_batches(
            _rng(seed, "families"), participants, directory, PARTICIPANTS_PER_BATCH
        )
        await _write_all(engines, stream, counts, bar)
    await reset_sequences(engines)
    return SeedSummary.from_counts(counts)


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
