"""python -m datasources.seed --participants N --fcr-url URL --ndnh-url URL --offsets-url URL."""

from __future__ import annotations

import argparse
import asyncio
import time

from sqlalchemy.ext.asyncio import create_async_engine

from datasources.seed.seeding import DEFAULT_SEED, seed_all
from datasources.seed.summary import SeedSummary


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m datasources.seed", description=__doc__)
    parser.add_argument("--participants", type=int, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    for key in ("fcr", "ndnh", "offsets"):
        parser.add_argument(
            f"--{key}-url", required=True, help="async SQLAlchemy URL; tables must exist"
        )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args()


async def _run(args: argparse.Namespace) -> SeedSummary:
    urls = {key: getattr(args, f"{key}_url") for key in ("fcr", "ndnh", "offsets")}
    engines = {key: create_async_engine(url) for key, url in urls.items()}
    try:
        return await seed_all(
            engines, participants=args.participants, seed=args.seed, progress=not args.quiet
        )
    finally:
        for engine in engines.values():
            await engine.dispose()


def main() -> None:
    args = _arguments()
    started = time.perf_counter()
    summary = asyncio.run(_run(args))
    for table, count in summary.as_dict().items():
        print(f"{table:24} {count:>12,}")
    print(f"{'total rows':24} {summary.total:>12,}  in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
