"""Configuration of the hub, read from environment variables once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SQL_SOURCES = ("fcr", "ndnh", "offsets", "audit", "documents", "notices")
# A published key, accepted only when HUB_ENV=development.
DEVELOPMENT_TOKEN_SECRET = (
    "development-only-token-secret-of-the-child-support-hub-never-for-production"
)
ALLOWED_TOKEN_ALGORITHMS = ("HS256", "HS384", "HS512")


class SettingsError(ValueError):
    """The environment does not describe a runnable hub."""


@dataclass(frozen=True)
class TokenSettings:
    secret: str
    issuer: str
    audience: str
    algorithm: str
    leeway_seconds: int = 30


@dataclass(frozen=True)
class S3Settings:
    """Where document contents live when they are kept in S3 (or an S3-compatible store)."""

    endpoint: str
    bucket: str
    region: str
    access_key: str
    secret_key: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    env: str
    host: str
    port: int
    data_dir: Path
    database_urls: Mapping[str, str]
    token: TokenSettings
    directory_file: Path | None = None
    max_body_bytes: int = 16 * 1024 * 1024
    max_query_depth: int = 12
    audit_purge_interval_seconds: float = 24 * 3600
    ws_init_timeout_seconds: float = 5.0
    redis_url: str | None = None
    redis_stream: str = "hub:notices"
    policy_file: Path | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    blob_dir: Path | None = None
    """Where document contents are kept on disk; None: `<data_dir>/blobs`."""
    blob_s3: S3Settings | None = None
    """Keep document contents in S3 instead of `blob_dir`."""
    download_url_ttl_seconds: int = 300
    state_systems_url: str = "http://127.0.0.1:8100"
    """The shared base URL of the states' case systems (QUICK); the simulator by default."""
    state_system_urls: Mapping[str, str] = field(default_factory=dict)
    """Base URLs of single jurisdictions' case systems, overriding `state_systems_url`."""
    state_system_timeout: float = 2.0

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def blob_root(self) -> Path:
        return self.blob_dir or self.data_dir / "blobs"

    def state_system_url(self, code: str) -> str:
        """The base URL of jurisdiction `code`'s case system: its override or the shared one."""
        return self.state_system_urls.get(code) or self.state_systems_url


def _sqlite_url(data_dir: Path, source: str) -> str:
    return f"sqlite+aiosqlite:///{data_dir / f'{source}.db'}"


def normalize_database_url(url: str) -> str:
    """Give a bare PostgreSQL or SQLite URL the async driver the hub uses."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def _s3_settings(env: Mapping[str, str]) -> S3Settings | None:
    """S3 blob storage, chosen when HUB_BLOB_S3_ENDPOINT is set."""
    endpoint = env.get("HUB_BLOB_S3_ENDPOINT", "")
    if not endpoint:
        return None
    names = ("BUCKET", "ACCESS_KEY", "SECRET_KEY")
    missing = [f"HUB_BLOB_S3_{name}" for name in names if not env.get(f"HUB_BLOB_S3_{name}")]
    if missing:
        raise SettingsError(f"HUB_BLOB_S3_ENDPOINT needs {', '.join(missing)}")
    return S3Settings(
        endpoint=endpoint.rstrip("/"),
        bucket=env["HUB_BLOB_S3_BUCKET"],
        region=env.get("HUB_BLOB_S3_REGION") or "us-east-1",
        access_key=env["HUB_BLOB_S3_ACCESS_KEY"],
        secret_key=env["HUB_BLOB_S3_SECRET_KEY"],
    )


def _state_system_urls(env: Mapping[str, str]) -> dict[str, str]:
    """Overrides per jurisdiction code, from HUB_STATE_SYSTEM_URL_<CODE> (e.g. _36, _T0001)."""
    prefix = "HUB_STATE_SYSTEM_URL_"
    return {
        name[len(prefix) :]: url
        for name, url in env.items()
        if name.startswith(prefix) and len(name) > len(prefix) and url
    }


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    hub_env = env.get("HUB_ENV", "development")
    if hub_env not in ("development", "production"):
        raise SettingsError("HUB_ENV must be 'development' or 'production'")
    data_dir = Path(env.get("HUB_DATA_DIR", "var")).resolve()
    shared = env.get("HUB_DATABASE_URL")
    urls = {
        source: normalize_database_url(
            env.get(f"HUB_{source.upper()}_DATABASE_URL") or shared or _sqlite_url(data_dir, source)
        )
        for source in SQL_SOURCES
    }
    secret = env.get("HUB_TOKEN_SECRET", "")
    if not secret:
        if hub_env == "production":
            raise SettingsError("HUB_TOKEN_SECRET must be set when HUB_ENV=production")
        secret = DEVELOPMENT_TOKEN_SECRET
    if len(secret.encode()) < 64:
        raise SettingsError("HUB_TOKEN_SECRET must be at least 64 bytes")
    algorithm = env.get("HUB_TOKEN_ALGORITHM", "HS256")
    if algorithm not in ALLOWED_TOKEN_ALGORITHMS:
        raise SettingsError(f"HUB_TOKEN_ALGORITHM must be one of {ALLOWED_TOKEN_ALGORITHMS}")
    directory_file = env.get("HUB_DIRECTORY_FILE")
    return Settings(
        env=hub_env,
        host=env.get("HUB_HOST", "127.0.0.1"),
        port=int(env.get("HUB_PORT", "8000")),
        data_dir=data_dir,
        database_urls=urls,
        token=TokenSettings(
            secret=secret,
            issuer=env.get("HUB_TOKEN_ISSUER", "child-support-hub"),
            audience=env.get("HUB_TOKEN_AUDIENCE", "child-support-hub"),
            algorithm=algorithm,
        ),
        directory_file=Path(directory_file) if directory_file else None,
        max_body_bytes=int(env.get("HUB_MAX_BODY_BYTES", str(16 * 1024 * 1024))),
        max_query_depth=int(env.get("HUB_MAX_QUERY_DEPTH", "12")),
        audit_purge_interval_seconds=float(env.get("HUB_AUDIT_PURGE_INTERVAL", str(24 * 3600))),
        ws_init_timeout_seconds=float(env.get("HUB_WS_INIT_TIMEOUT", "5")),
        redis_url=env.get("HUB_REDIS_URL") or None,
        redis_stream=env.get("HUB_REDIS_STREAM", "hub:notices"),
        policy_file=Path(env["HUB_POLICY_FILE"]) if env.get("HUB_POLICY_FILE") else None,
        blob_dir=Path(env["HUB_BLOB_DIR"]).resolve() if env.get("HUB_BLOB_DIR") else None,
        blob_s3=_s3_settings(env),
        download_url_ttl_seconds=int(env.get("HUB_DOWNLOAD_URL_TTL", "300")),
        state_systems_url=env.get("HUB_STATE_SYSTEMS_URL") or "http://127.0.0.1:8100",
        state_system_urls=_state_system_urls(env),
        state_system_timeout=float(env.get("HUB_STATE_SYSTEM_TIMEOUT", "2.0")),
    )
