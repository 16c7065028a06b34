"""Configuration of the hub, read from environment variables once at start.

Every variable is one `Setting` below, in `SETTINGS`: its name, how its text is read, its
default and what it means, written once. `load_settings` reads them; the README's table of
settings is `settings_table()` (a test keeps the two the same).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from datasources.rate_limiter import Allowance, parse_allowances

SQL_SOURCES = ("fcr", "ndnh", "offsets", "audit", "documents", "notices")
# A published key, accepted only when HUB_ENV=development.
DEVELOPMENT_TOKEN_SECRET = (
    "development-only-token-secret-of-the-child-support-hub-never-for-production"
)
ALLOWED_TOKEN_ALGORITHMS = ("HS256", "HS384", "HS512")
ENVIRONMENTS = ("development", "production")
MIN_TOKEN_SECRET_BYTES = 64
STATE_SYSTEM_URL_PREFIX = "HUB_STATE_SYSTEM_URL_"
STATE_SIM_PORT = 8100
"""Where `hub state-sim` listens by default, and so where the hub looks for it."""

T_co = TypeVar("T_co", covariant=True)


class SettingsError(ValueError):
    """The environment does not describe a runnable hub."""


@dataclass(frozen=True)
class Setting(Generic[T_co]):
    """One environment variable: how its text is read, its default, and what it means.

    `default` is used when the variable is unset, or, with `blank_is_unset`, empty.
    `shown` is how the README writes a default that is not a plain value.
    """

    env: str
    parse: Callable[[str], T_co]
    default: T_co
    description: str
    shown: str | None = None
    blank_is_unset: bool = False

    def read(self, environ: Mapping[str, str]) -> T_co:
        raw = environ.get(self.env)
        if raw is None or (self.blank_is_unset and not raw):
            return self.default
        try:
            return self.parse(raw)
        except ValueError as error:
            # the variable's name, never its value: it may be a secret
            raise SettingsError(f"{self.env} {error}") from None

    @property
    def shown_default(self) -> str:
        if self.shown is not None:
            return self.shown
        if self.default is None:
            return ""
        if isinstance(self.default, str | Path):
            return f"`{self.default}`"
        return str(self.default)


def _switch(raw: str) -> bool:
    if raw in ("on", "off"):
        return raw == "on"
    raise ValueError("must be `on` or `off`")


def _text(raw: str) -> str:
    return raw


def _optional_text(raw: str) -> str | None:
    return raw or None


def _integer(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("must be an integer") from None


def _number(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError("must be a number") from None


def _optional_path(raw: str) -> Path | None:
    return Path(raw) if raw else None


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in choices:
            quoted = [repr(choice) for choice in choices]
            if len(quoted) == 2:
                raise ValueError(f"must be {quoted[0]} or {quoted[1]}")
            raise ValueError(f"must be one of {', '.join(quoted)}")
        return raw

    return parse


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(origin.strip() for origin in raw.split(",") if origin.strip())
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest or "*" in rest:
            raise ValueError("must list exact origins such as `https://app.example.gov`")
    return origins


def normalize_database_url(url: str) -> str:
    """Give a bare PostgreSQL or SQLite URL the async driver the hub uses."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def _database_url(raw: str) -> str | None:
    if not raw:
        return None
    url = normalize_database_url(raw)
    try:
        backend = make_url(url).get_backend_name()
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        backend = ""
    if backend not in ("postgresql", "sqlite"):
        raise ValueError("must be a postgresql:// or sqlite:/// URL")
    return url


ENV = Setting(
    "HUB_ENV",
    _one_of(*ENVIRONMENTS),
    "development",
    "`production` turns off introspection (except for analysts and OCSS staff), field"
    " suggestions and the development token key",
)
HOST = Setting("HUB_HOST", _text, "127.0.0.1", "the address `hub serve` listens on")
PORT = Setting("HUB_PORT", _integer, 8000, "the TCP port `hub serve` listens on")
DATA_DIR = Setting("HUB_DATA_DIR", Path, Path("var"), "SQLite files and the pid file")
DATABASE_URL = Setting(
    "HUB_DATABASE_URL",
    _database_url,
    None,
    "one database URL for every source (`postgresql://...` or `sqlite:///...`)",
    blank_is_unset=True,
)
SOURCE_DATABASE_URLS = {
    source: Setting(
        f"HUB_{source.upper()}_DATABASE_URL",
        _database_url,
        None,
        f"the {source} source's own database (overrides `HUB_DATABASE_URL`)",
        shown=f"`sqlite:///$HUB_DATA_DIR/{source}.db`",
        blank_is_unset=True,
    )
    for source in SQL_SOURCES
}
STATE_SYSTEMS_URL = Setting(
    "HUB_STATE_SYSTEMS_URL",
    _text,
    f"http://127.0.0.1:{STATE_SIM_PORT}",
    "the states' case systems (QUICK); `make run` starts the simulator there",
    blank_is_unset=True,
)
STATE_SYSTEM_URL = Setting(
    f"{STATE_SYSTEM_URL_PREFIX}<CODE>",
    _optional_text,
    None,
    f"one jurisdiction's system elsewhere, e.g. `{STATE_SYSTEM_URL_PREFIX}36`",
)
"""A family of variables, one per jurisdiction code; `_state_system_urls` reads them."""
STATE_SYSTEM_TIMEOUT = Setting(
    "HUB_STATE_SYSTEM_TIMEOUT",
    _number,
    2.0,
    "seconds per state call (retries included); past it those fields are `SOURCE_UNAVAILABLE`",
    shown="2",
)
BLOB_DIR = Setting(
    "HUB_BLOB_DIR",
    _optional_path,
    None,
    "document contents on local disk",
    shown="`$HUB_DATA_DIR/blobs`",
)
BLOB_S3_ENDPOINT = Setting(
    "HUB_BLOB_S3_ENDPOINT",
    _text,
    "",
    "document contents in an S3-compatible store instead (needs the three below)",
    shown="",
)
BLOB_S3_BUCKET = Setting("HUB_BLOB_S3_BUCKET", _text, "", "the S3 bucket", shown="")
BLOB_S3_REGION = Setting(
    "HUB_BLOB_S3_REGION", _text, "us-east-1", "the S3 region", blank_is_unset=True
)
BLOB_S3_ACCESS_KEY = Setting("HUB_BLOB_S3_ACCESS_KEY", _text, "", "the S3 access key", shown="")
BLOB_S3_SECRET_KEY = Setting("HUB_BLOB_S3_SECRET_KEY", _text, "", "the S3 secret key", shown="")
DOWNLOAD_URL_TTL = Setting(
    "HUB_DOWNLOAD_URL_TTL", _integer, 300, "seconds a signed download link stays valid"
)
REDIS_URL = Setting(
    "HUB_REDIS_URL",
    _optional_text,
    None,
    "Redis Streams as the notice bus between hub processes (else in-process)",
)
REDIS_STREAM = Setting("HUB_REDIS_STREAM", _text, "hub:notices", "the stream's key")
WS_INIT_TIMEOUT = Setting(
    "HUB_WS_INIT_TIMEOUT",
    _number,
    5.0,
    "seconds a WebSocket has to send `connection_init`",
    shown="5",
)
POLICY_FILE = Setting(
    "HUB_POLICY_FILE",
    _optional_path,
    None,
    "another policy file (the model stays `policy/model.conf`)",
    shown="the packaged `policy/policy.csv`",
)
TOKEN_SECRET = Setting(
    "HUB_TOKEN_SECRET",
    _text,
    "",
    f"HMAC key of bearer tokens, at least {MIN_TOKEN_SECRET_BYTES} bytes; required in production",
    shown="a published development key",
)
TOKEN_ISSUER = Setting(
    "HUB_TOKEN_ISSUER", _text, "child-support-hub", "the `iss` claim tokens must carry"
)
TOKEN_AUDIENCE = Setting(
    "HUB_TOKEN_AUDIENCE", _text, "child-support-hub", "the `aud` claim tokens must carry"
)
TOKEN_ALGORITHM = Setting(
    "HUB_TOKEN_ALGORITHM",
    _one_of(*ALLOWED_TOKEN_ALGORITHMS),
    "HS256",
    "pinned algorithm (`HS256`, `HS384`, `HS512`); `none` is never accepted",
)
DIRECTORY_FILE = Setting(
    "HUB_DIRECTORY_FILE",
    _optional_path,
    None,
    "another directory data file",
    shown="the packaged IRG file",
)
MAX_BODY_BYTES = Setting(
    "HUB_MAX_BODY_BYTES",
    _integer,
    16 * 1024 * 1024,
    "larger requests get 413",
    shown="16 MiB",
)
MAX_QUERY_DEPTH = Setting("HUB_MAX_QUERY_DEPTH", _integer, 12, "deeper queries are refused")
AUDIT_PURGE_INTERVAL = Setting(
    "HUB_AUDIT_PURGE_INTERVAL",
    _number,
    24 * 3600.0,
    "seconds between retention purges",
    shown="86400",
)
GRAPHIQL_ASSETS_DIR = Setting(
    "HUB_GRAPHIQL_ASSETS_DIR",
    _optional_path,
    None,
    "where an installed (non-editable) hub finds GraphiQL's files",
    shown="`web/node_modules`",
)
"""Read by `transport.graphiql` when it is imported, before settings are loaded."""
COMPILED_PLANS = Setting(
    "HUB_COMPILED_PLANS",
    _switch,
    True,
    "`on`: queries the hub has seen run as compiled plans; `off`: always the standard executor",
    shown="`on`",
)
AUDIT_DISCARD = Setting(
    "HUB_AUDIT_DISCARD",
    _switch,
    False,
    "`on` drops every audit event instead of storing it, to measure what the audit write"
    " costs; development only (`production` refuses to start with it)",
    shown="`off`",
)
# observability (issue 11): README "Observability"
LOG_FORMAT = Setting(
    "HUB_LOG_FORMAT",
    _one_of("json", "text"),
    "json",
    "`json`: one JSON object per log line; `text`: plain lines, for a terminal",
)
METRICS_TOKEN = Setting(
    "HUB_METRICS_TOKEN",
    _text,
    "",
    "the bearer token `GET /metrics` requires; empty: metrics are served to loopback only",
    shown="",
)
OTLP_ENDPOINT = Setting(
    "HUB_OTLP_ENDPOINT",
    _text,
    "",
    "where traces are sent over OTLP/HTTP (e.g. `http://collector:4318/v1/traces`);"
    " empty: no traces",
    shown="",
)


def _pem(raw: str) -> bytes:
    """A PEM value itself, or the path of a file holding one."""
    if "-----BEGIN" in raw:  # a one-line .env value writes its line breaks as \n
        return raw.replace("\\n", "\n").encode()
    try:
        return Path(raw).read_bytes()
    except OSError:
        raise ValueError("must be a PEM key or the path of a readable file holding one") from None


def _pems(raw: str) -> tuple[bytes, ...]:
    """PEM values, or `,`-separated paths of files holding them."""
    if "-----BEGIN" in raw:
        return (_pem(raw),)
    return tuple(_pem(path.strip()) for path in raw.split(",") if path.strip())


def _checkpoint_sink(raw: str) -> str:
    if raw.startswith("file:///") or (raw.startswith("s3://") and raw[5:].split("/")[0]):
        return raw
    raise ValueError("must be `s3://bucket/prefix`, `file:///path` or empty")


AUDIT_CHECKPOINT_SINK = Setting(
    "HUB_AUDIT_CHECKPOINT_SINK",
    _checkpoint_sink,
    "",
    "where signed audit checkpoints are published: `s3://bucket/prefix` (a bucket with"
    " object lock; the endpoint and key of `HUB_BLOB_S3_*` when set) or `file:///path`"
    " (JSON lines); empty: not published",
    shown="",
    blank_is_unset=True,
)
AUDIT_SIGNING_KEY = Setting(
    "HUB_AUDIT_SIGNING_KEY",
    _pem,
    None,
    "Ed25519 private key (PEM, or the path of a PEM file) that signs audit checkpoints;"
    " required in production when checkpoints are published",
    shown="a published development key",
    blank_is_unset=True,
)
AUDIT_VERIFY_KEYS: Setting[tuple[bytes, ...]] = Setting(
    "HUB_AUDIT_VERIFY_KEYS",
    _pems,
    (),
    "Ed25519 public keys (PEM blocks, or `,`-separated paths) `hub audit verify` accepts"
    " checkpoints from; keep a retired key here after rotating",
    shown="the signing key's",
    blank_is_unset=True,
)
AUDIT_CHECKPOINT_INTERVAL = Setting(
    "HUB_AUDIT_CHECKPOINT_INTERVAL",
    _number,
    60.0,
    "seconds between checkpoints of the audit chain's head, published to the sink",
    shown="60",
)
AUDIT_CHECKPOINT_LOCK_DAYS = Setting(
    "HUB_AUDIT_CHECKPOINT_LOCK_DAYS",
    _integer,
    2557,
    "days a published checkpoint stays under COMPLIANCE object lock (S3 sink)",
)

SHUTDOWN_TIMEOUT = Setting(
    "HUB_SHUTDOWN_TIMEOUT",
    _integer,
    20,
    "seconds `hub serve` lets in-flight requests finish after SIGTERM (WebSockets close"
    " at once with 1001); keep Kubernetes' `terminationGracePeriodSeconds` above it",
    shown="20",
)
READINESS_TIMEOUT = Setting(
    "HUB_READINESS_TIMEOUT",
    _number,
    2.0,
    "seconds each `/readyz` check (a database, Redis) may take before it counts as failed",
    shown="2",
)
TRUSTED_DOCUMENTS = Setting(
    "HUB_TRUSTED_DOCUMENTS",
    _one_of("enforce", "log", "off"),
    "off",
    "`enforce`: only the manifest's documents run, refused before parsing; `log`: every"
    " document runs, those outside the manifest counted and logged (by a keyed digest); `off`",
    shown="`off`",
)
TRUSTED_DOCUMENTS_FILE = Setting(
    "HUB_TRUSTED_DOCUMENTS_FILE",
    _optional_path,
    None,
    "the manifest of trusted documents: Apollo's `persisted-query-manifest.json` or"
    " graphql-codegen's `persisted-documents.json`",
)
APQ_TTL = Setting(
    "HUB_APQ_TTL",
    _integer,
    24 * 3600,
    "seconds an automatic persisted query stays in Redis",
    shown="86400",
)
APQ_MAX_BYTES = Setting(
    "HUB_APQ_MAX_BYTES",
    _integer,
    64 * 1024,
    "larger documents are served but not kept as persisted queries",
    shown="64 KiB",
)
CORS_ORIGINS: Setting[tuple[str, ...]] = Setting(
    "HUB_CORS_ORIGINS",
    _origins,
    (),
    "comma-separated exact origins (`https://app.example.gov`) browsers may call the hub"
    " from; none by default",
    shown="",
)

# Issue 11, limits: rate limits (`policy.rate_limits`) and WebSocket connection caps
DEFAULT_REQUEST_BUDGETS = (
    "state_worker=50/s:500,tribal_worker=50/s:500,ocss_staff=50/s:500,"
    "employer=20/s:200,insurer=20/s:200,financial_institution=20/s:200,*=10/s:100"
)
DEFAULT_SEARCH_BUDGETS = "*=300/d:50"
REQUEST_BUDGETS = Setting(
    "HUB_RATE_LIMITS",
    parse_allowances,
    parse_allowances(DEFAULT_REQUEST_BUDGETS),
    "requests (HTTP, WebSocket `subscribe`) per subject, by role: `ROLE=COUNT/PERIOD:BURST`"
    " (PERIOD `s`, `m`, `h` or `d`; `*` for the roles not named)",
    shown=f"`{DEFAULT_REQUEST_BUDGETS}`",
)
SEARCH_BUDGETS = Setting(
    "HUB_SEARCH_LIMITS",
    parse_allowances,
    parse_allowances(DEFAULT_SEARCH_BUDGETS),
    "searches by SSN or date of birth per subject, by role, as `HUB_RATE_LIMITS`; each"
    " `participants(ssn:)`/`(dateOfBirth:)` and `reportTermination` counts one",
    shown=f"`{DEFAULT_SEARCH_BUDGETS}`",
)
RATE_LIMIT_PREFIX = Setting(
    "HUB_RATE_LIMIT_PREFIX", _text, "hub:rate:", "the prefix of the rate limits' Redis keys"
)
WS_MAX_CONNECTIONS = Setting(
    "HUB_WS_MAX_CONNECTIONS",
    _integer,
    10_000,
    "open WebSocket connections per process; more are closed with 4429",
)
WS_MAX_CONNECTIONS_PER_SUBJECT = Setting(
    "HUB_WS_MAX_CONNECTIONS_PER_SUBJECT",
    _integer,
    20,
    "open WebSocket connections per subject in one process; more are closed with 4429",
)


@dataclass(frozen=True)
class RateLimitSettings:
    requests: Mapping[str, Allowance] = field(default_factory=REQUEST_BUDGETS.default.copy)
    searches: Mapping[str, Allowance] = field(default_factory=SEARCH_BUDGETS.default.copy)
    prefix: str = RATE_LIMIT_PREFIX.default
    ws_max_connections: int = WS_MAX_CONNECTIONS.default
    ws_max_connections_per_subject: int = WS_MAX_CONNECTIONS_PER_SUBJECT.default


def _rate_limit_settings(env: Mapping[str, str]) -> RateLimitSettings:
    return RateLimitSettings(
        requests=REQUEST_BUDGETS.read(env),
        searches=SEARCH_BUDGETS.read(env),
        prefix=RATE_LIMIT_PREFIX.read(env),
        ws_max_connections=WS_MAX_CONNECTIONS.read(env),
        ws_max_connections_per_subject=WS_MAX_CONNECTIONS_PER_SUBJECT.read(env),
    )


# Tokens from an identity provider (issue 11): RS256/ES256 keys read from a JWKS URL.
JWKS_URL = Setting(
    "HUB_JWKS_URL",
    _optional_text,
    None,
    "the identity provider's JWKS URL: RS256/ES256 tokens signed by its keys are accepted"
    " (https; http only on loopback in production)",
)
JWKS_TIMEOUT = Setting(
    "HUB_JWKS_TIMEOUT", _number, 2.0, "seconds one read of the JWKS URL may take", shown="2"
)
JWKS_REFETCH_INTERVAL = Setting(
    "HUB_JWKS_REFETCH_INTERVAL",
    _number,
    30.0,
    "a token of an unknown `kid` reads the JWKS URL again at most once per this many seconds",
    shown="30",
)
TOKEN_HMAC = Setting(
    "HUB_TOKEN_HMAC",
    _optional_text,
    None,
    "`on`/`off`: accept HMAC tokens signed with `HUB_TOKEN_SECRET`; default `on`, but `off` in"
    " production with `HUB_JWKS_URL` (the secret still keys download links)",
    shown="see meaning",
)
JWKS_MAX_AGE = Setting(
    "HUB_JWKS_MAX_AGE",
    _number,
    3600.0,
    "the keys are read again after the document's `Cache-Control: max-age`, at most this many"
    " seconds (and at least `HUB_JWKS_REFETCH_INTERVAL`)",
    shown="3600",
)

SETTINGS: tuple[Setting[object], ...] = (
    ENV,
    HOST,
    PORT,
    DATA_DIR,
    DATABASE_URL,
    *SOURCE_DATABASE_URLS.values(),
    STATE_SYSTEMS_URL,
    STATE_SYSTEM_URL,
    STATE_SYSTEM_TIMEOUT,
    BLOB_DIR,
    BLOB_S3_ENDPOINT,
    BLOB_S3_BUCKET,
    BLOB_S3_REGION,
    BLOB_S3_ACCESS_KEY,
    BLOB_S3_SECRET_KEY,
    DOWNLOAD_URL_TTL,
    REDIS_URL,
    REDIS_STREAM,
    WS_INIT_TIMEOUT,
    POLICY_FILE,
    TOKEN_SECRET,
    TOKEN_ISSUER,
    TOKEN_AUDIENCE,
    TOKEN_ALGORITHM,
    JWKS_URL,
    JWKS_TIMEOUT,
    JWKS_REFETCH_INTERVAL,
    JWKS_MAX_AGE,
    TOKEN_HMAC,
    DIRECTORY_FILE,
    MAX_BODY_BYTES,
    MAX_QUERY_DEPTH,
    AUDIT_PURGE_INTERVAL,
    GRAPHIQL_ASSETS_DIR,
    COMPILED_PLANS,
    AUDIT_DISCARD,
    LOG_FORMAT,
    METRICS_TOKEN,
    OTLP_ENDPOINT,
    AUDIT_CHECKPOINT_SINK,
    AUDIT_SIGNING_KEY,
    AUDIT_VERIFY_KEYS,
    AUDIT_CHECKPOINT_INTERVAL,
    AUDIT_CHECKPOINT_LOCK_DAYS,
    SHUTDOWN_TIMEOUT,
    READINESS_TIMEOUT,
    TRUSTED_DOCUMENTS,
    TRUSTED_DOCUMENTS_FILE,
    APQ_TTL,
    APQ_MAX_BYTES,
    CORS_ORIGINS,
    REQUEST_BUDGETS,
    SEARCH_BUDGETS,
    RATE_LIMIT_PREFIX,
    WS_MAX_CONNECTIONS,
    WS_MAX_CONNECTIONS_PER_SUBJECT,
)
"""Every variable the hub reads, in the order the README's table lists them."""


def settings_table() -> str:
    """The README's table of settings, made from `SETTINGS`."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for setting in SETTINGS:
        default = f" {setting.shown_default}" if setting.shown_default else ""
        rows.append(f"| `{setting.env}` |{default} | {setting.description} |")
    return "\n".join(rows)


@dataclass(frozen=True)
class JwksSettings:
    """Where the identity provider publishes its signing keys, and how often they are read."""

    url: str
    timeout_seconds: float = 2.0
    refetch_interval_seconds: float = 30.0
    max_age_seconds: float = 3600.0


@dataclass(frozen=True)
class TokenSettings:
    secret: str = field(repr=False)
    """The HMAC key of tokens (when `hmac`) and of download links (always)."""
    issuer: str
    audience: str
    algorithm: str
    leeway_seconds: int = 30
    jwks: JwksSettings | None = None
    """Also accept RS256/ES256 tokens signed by the keys published at this JWKS URL."""
    hmac: bool = True
    """Accept tokens signed with `secret` (HS256/384/512)."""


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
    """What `load_settings` read; each field's default is its `Setting`'s, above."""

    env: str
    host: str
    port: int
    data_dir: Path
    database_urls: Mapping[str, str]
    token: TokenSettings
    directory_file: Path | None
    max_body_bytes: int
    max_query_depth: int
    audit_purge_interval_seconds: float
    ws_init_timeout_seconds: float
    redis_url: str | None
    redis_stream: str
    policy_file: Path | None
    blob_dir: Path | None
    """Where document contents are kept on disk; None: `<data_dir>/blobs`."""
    blob_s3: S3Settings | None
    """Keep document contents in S3 instead of `blob_dir`."""
    download_url_ttl_seconds: int
    state_systems_url: str
    """The shared base URL of the states' case systems (QUICK); the simulator by default."""
    state_system_urls: Mapping[str, str]
    """Base URLs of single jurisdictions' case systems, overriding `state_systems_url`."""
    state_system_timeout: float
    compiled_plans: bool = True
    """Serve queries the hub has seen through compiled plans (`plans/`)."""
    audit_discard: bool = False
    """Drop audit events instead of storing them (development only: measuring the audit write)."""
    log_format: str = "json"
    metrics_token: str = field(default="", repr=False)
    """Who may scrape `/metrics` (empty: loopback clients only)."""
    otlp_endpoint: str = ""
    """Where spans go (empty: no tracing)."""
    audit_checkpoint_sink: str = ""
    """Where signed checkpoints are published (`s3://...`, `file:///...`); empty: nowhere."""
    audit_signing_key_pem: bytes | None = field(default=None, repr=False)
    """The checkpoints' Ed25519 signing key; None: the development key (development only)."""
    audit_verify_keys_pem: tuple[bytes, ...] = ()
    """Public keys checkpoints may be signed with; empty: the signing key's."""
    audit_checkpoint_interval_seconds: float = 60.0
    audit_checkpoint_lock_days: int = 2557
    shutdown_timeout_seconds: int = 20
    """How long in-flight requests may take to finish once the process is told to stop."""
    readiness_timeout_seconds: float = 2.0
    """How long each `/readyz` check may take."""
    trusted_documents: str = "off"
    trusted_documents_file: Path | None = None
    apq_ttl_seconds: int = 24 * 3600
    apq_max_bytes: int = 64 * 1024
    cors_origins: tuple[str, ...] = ()
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)

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


def _s3_settings(env: Mapping[str, str]) -> S3Settings | None:
    """S3 blob storage, chosen when HUB_BLOB_S3_ENDPOINT is set."""
    endpoint = BLOB_S3_ENDPOINT.read(env)
    if not endpoint:
        return None
    needed = (BLOB_S3_BUCKET, BLOB_S3_ACCESS_KEY, BLOB_S3_SECRET_KEY)
    missing = [setting.env for setting in needed if not setting.read(env)]
    if missing:
        raise SettingsError(f"{BLOB_S3_ENDPOINT.env} needs {', '.join(missing)}")
    return S3Settings(
        endpoint=endpoint.rstrip("/"),
        bucket=BLOB_S3_BUCKET.read(env),
        region=BLOB_S3_REGION.read(env),
        access_key=BLOB_S3_ACCESS_KEY.read(env),
        secret_key=BLOB_S3_SECRET_KEY.read(env),
    )


def _state_system_urls(env: Mapping[str, str]) -> dict[str, str]:
    """Overrides per jurisdiction code, from HUB_STATE_SYSTEM_URL_<CODE> (e.g. _36, _T0001)."""
    prefix = STATE_SYSTEM_URL_PREFIX
    return {
        name[len(prefix) :]: url
        for name, url in env.items()
        if name.startswith(prefix) and len(name) > len(prefix) and url
    }


def _token_secret(env: Mapping[str, str], hub_env: str) -> str:
    secret = TOKEN_SECRET.read(env)
    if not secret:
        if hub_env == "production":
            raise SettingsError(f"{TOKEN_SECRET.env} must be set when {ENV.env}=production")
        secret = DEVELOPMENT_TOKEN_SECRET
    if len(secret.encode()) < MIN_TOKEN_SECRET_BYTES:
        raise SettingsError(f"{TOKEN_SECRET.env} must be at least {MIN_TOKEN_SECRET_BYTES} bytes")
    return secret


_LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def _jwks_settings(env: Mapping[str, str], hub_env: str) -> JwksSettings | None:
    url = JWKS_URL.read(env)
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [IPv6 address
        host = None
    if not host or parts.scheme not in ("https", "http"):
        raise SettingsError(f"{JWKS_URL.env} must be an https:// URL")
    loopback = host in _LOOPBACK_HOSTS
    if parts.scheme == "http" and hub_env == "production" and not loopback:
        raise SettingsError(f"{JWKS_URL.env} must be https:// when {ENV.env}=production")
    timeouts = (JWKS_TIMEOUT, JWKS_REFETCH_INTERVAL, JWKS_MAX_AGE)
    if any(setting.read(env) <= 0 for setting in timeouts):
        raise SettingsError(f"{', '.join(setting.env for setting in timeouts)} must be positive")
    return JwksSettings(
        url=url,
        timeout_seconds=JWKS_TIMEOUT.read(env),
        refetch_interval_seconds=JWKS_REFETCH_INTERVAL.read(env),
        max_age_seconds=max(JWKS_MAX_AGE.read(env), JWKS_REFETCH_INTERVAL.read(env)),
    )


def _token_hmac(env: Mapping[str, str], hub_env: str) -> bool:
    explicit = TOKEN_HMAC.read(env)
    if explicit is not None:
        try:
            return _switch(explicit)
        except ValueError as error:
            raise SettingsError(f"{TOKEN_HMAC.env} {error}") from None
    return hub_env == "development" or not JWKS_URL.read(env)


def _audit_discard(env: Mapping[str, str], hub_env: str) -> bool:
    discard = AUDIT_DISCARD.read(env)
    if discard and hub_env == "production":
        raise SettingsError(f"{AUDIT_DISCARD.env}=on is refused when {ENV.env}=production")
    return discard


def _audit_signing_key(env: Mapping[str, str], hub_env: str, sink: str) -> bytes | None:
    pem = AUDIT_SIGNING_KEY.read(env)
    if pem is None and sink and hub_env == "production":
        raise SettingsError(
            f"{AUDIT_SIGNING_KEY.env} must be set when {ENV.env}=production"
            f" and {AUDIT_CHECKPOINT_SINK.env} is set"
        )
    return pem


def _trusted_documents_file(env: Mapping[str, str]) -> Path | None:
    path = TRUSTED_DOCUMENTS_FILE.read(env)
    if path is None and TRUSTED_DOCUMENTS.read(env) != "off":
        raise SettingsError(
            f"{TRUSTED_DOCUMENTS.env} other than off needs {TRUSTED_DOCUMENTS_FILE.env}"
        )
    return path


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    hub_env = ENV.read(env)
    data_dir = DATA_DIR.read(env).resolve()
    shared = DATABASE_URL.read(env)
    urls = {
        source: setting.read(env) or shared or _sqlite_url(data_dir, source)
        for source, setting in SOURCE_DATABASE_URLS.items()
    }
    blob_dir = BLOB_DIR.read(env)
    return Settings(
        env=hub_env,
        host=HOST.read(env),
        port=PORT.read(env),
        data_dir=data_dir,
        database_urls=urls,
        token=TokenSettings(
            secret=_token_secret(env, hub_env),
            issuer=TOKEN_ISSUER.read(env),
            audience=TOKEN_AUDIENCE.read(env),
            algorithm=TOKEN_ALGORITHM.read(env),
            jwks=_jwks_settings(env, hub_env),
            hmac=_token_hmac(env, hub_env),
        ),
        directory_file=DIRECTORY_FILE.read(env),
        max_body_bytes=MAX_BODY_BYTES.read(env),
        max_query_depth=MAX_QUERY_DEPTH.read(env),
        audit_purge_interval_seconds=AUDIT_PURGE_INTERVAL.read(env),
        ws_init_timeout_seconds=WS_INIT_TIMEOUT.read(env),
        redis_url=REDIS_URL.read(env),
        redis_stream=REDIS_STREAM.read(env),
        policy_file=POLICY_FILE.read(env),
        blob_dir=blob_dir.resolve() if blob_dir else None,
        blob_s3=_s3_settings(env),
        download_url_ttl_seconds=DOWNLOAD_URL_TTL.read(env),
        state_systems_url=STATE_SYSTEMS_URL.read(env),
        state_system_urls=_state_system_urls(env),
        state_system_timeout=STATE_SYSTEM_TIMEOUT.read(env),
        compiled_plans=COMPILED_PLANS.read(env),
        audit_discard=_audit_discard(env, hub_env),
        log_format=LOG_FORMAT.read(env),
        metrics_token=METRICS_TOKEN.read(env),
        otlp_endpoint=OTLP_ENDPOINT.read(env),
        audit_checkpoint_sink=AUDIT_CHECKPOINT_SINK.read(env),
        audit_signing_key_pem=_audit_signing_key(env, hub_env, AUDIT_CHECKPOINT_SINK.read(env)),
        audit_verify_keys_pem=AUDIT_VERIFY_KEYS.read(env),
        audit_checkpoint_interval_seconds=AUDIT_CHECKPOINT_INTERVAL.read(env),
        audit_checkpoint_lock_days=AUDIT_CHECKPOINT_LOCK_DAYS.read(env),
        shutdown_timeout_seconds=SHUTDOWN_TIMEOUT.read(env),
        readiness_timeout_seconds=READINESS_TIMEOUT.read(env),
        trusted_documents=TRUSTED_DOCUMENTS.read(env),
        trusted_documents_file=_trusted_documents_file(env),
        apq_ttl_seconds=APQ_TTL.read(env),
        apq_max_bytes=APQ_MAX_BYTES.read(env),
        cors_origins=CORS_ORIGINS.read(env),
        rate_limits=_rate_limit_settings(env),
    )
