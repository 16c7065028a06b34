"""settings.py: every variable written once, read as documented, refused in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from settings import (
    DEVELOPMENT_TOKEN_SECRET,
    SETTINGS,
    SOURCE_DATABASE_URLS,
    SQL_SOURCES,
    STATE_SYSTEM_URL,
    SettingsError,
    load_settings,
    settings_table,
)

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
SECRET = "s" * 64


def _readme_table() -> str:
    text = README.read_text("utf-8")
    start = text.index("| variable | default | meaning |")
    return text[start : text.index("\n\n", start)]


def test_the_readme_table_is_the_settings_table():
    # the README's table is made from SETTINGS; regenerate it with settings.settings_table()
    assert _readme_table() == settings_table(), settings_table()


def test_every_variable_the_code_reads_is_a_setting():
    named = {setting.env for setting in SETTINGS}
    read = set()
    for path in REPO.glob("**/*.py"):
        if {".venv", "tests", "bench", "node_modules"} & set(path.relative_to(REPO).parts):
            continue
        read |= set(re.findall(r"environ(?:\.get\(|\[)\"(HUB_[A-Z0-9_]+)\"", path.read_text()))
    assert read <= named, read - named


def test_an_empty_environment_gives_every_default():
    settings = load_settings({})
    by_env = {setting.env: setting for setting in SETTINGS}
    assert settings.env == by_env["HUB_ENV"].default == "development"
    assert settings.host == by_env["HUB_HOST"].default
    assert settings.port == by_env["HUB_PORT"].default
    assert settings.data_dir == Path("var").resolve()
    assert settings.max_body_bytes == by_env["HUB_MAX_BODY_BYTES"].default
    assert settings.max_query_depth == by_env["HUB_MAX_QUERY_DEPTH"].default
    assert settings.ws_init_timeout_seconds == by_env["HUB_WS_INIT_TIMEOUT"].default
    assert settings.audit_purge_interval_seconds == 86400
    assert settings.download_url_ttl_seconds == by_env["HUB_DOWNLOAD_URL_TTL"].default
    assert settings.state_systems_url == by_env["HUB_STATE_SYSTEMS_URL"].default
    assert settings.state_system_timeout == by_env["HUB_STATE_SYSTEM_TIMEOUT"].default
    assert settings.redis_url is None
    assert settings.redis_stream == "hub:notices"
    assert settings.token.secret == DEVELOPMENT_TOKEN_SECRET
    assert (settings.token.issuer, settings.token.audience) == ("child-support-hub",) * 2
    assert settings.token.algorithm == "HS256"
    assert settings.blob_s3 is None
    assert settings.blob_root == Path("var").resolve() / "blobs"
    data_dir = Path("var").resolve()
    assert settings.database_urls == {
        source: f"sqlite+aiosqlite:///{data_dir / f'{source}.db'}" for source in SQL_SOURCES
    }


def test_each_source_url_overrides_the_shared_one():
    shared = "postgresql://hub@127.0.0.1:5432/hub"
    own = "sqlite:////tmp/fcr.db"
    env = {"HUB_DATABASE_URL": shared, SOURCE_DATABASE_URLS["fcr"].env: own}
    urls = load_settings(env).database_urls
    assert urls["fcr"] == "sqlite+aiosqlite:////tmp/fcr.db"
    assert urls["audit"] == "postgresql+asyncpg://hub@127.0.0.1:5432/hub"


@pytest.mark.parametrize(
    ("name", "blank_gives"),
    [
        ("HUB_STATE_SYSTEMS_URL", "http://127.0.0.1:8100"),
        ("HUB_REDIS_URL", None),
        ("HUB_BLOB_DIR", None),
        ("HUB_POLICY_FILE", None),
        ("HUB_DATABASE_URL", None),
    ],
)
def test_a_blank_optional_variable_is_unset(name: str, blank_gives: object):
    blank = load_settings({name: ""})
    unset = load_settings({})
    assert blank == unset
    assert {s.env: s for s in SETTINGS}[name].read({name: ""}) == blank_gives


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HUB_ENV": ""}, "HUB_ENV must be 'development' or 'production'"),
        ({"HUB_ENV": "staging"}, "HUB_ENV must be 'development' or 'production'"),
        ({"HUB_PORT": "eighty"}, "HUB_PORT must be an integer"),
        ({"HUB_MAX_BODY_BYTES": "16MiB"}, "HUB_MAX_BODY_BYTES must be an integer"),
        ({"HUB_WS_INIT_TIMEOUT": "soon"}, "HUB_WS_INIT_TIMEOUT must be a number"),
        (
            {"HUB_TOKEN_ALGORITHM": "none"},
            "HUB_TOKEN_ALGORITHM must be one of 'HS256', 'HS384', 'HS512'",
        ),
        ({"HUB_TOKEN_SECRET": "short"}, "HUB_TOKEN_SECRET must be at least 64 bytes"),
        (
            {"HUB_ENV": "production"},
            "HUB_TOKEN_SECRET must be set when HUB_ENV=production",
        ),
        (
            {"HUB_DATABASE_URL": "mysql://hub@127.0.0.1/hub"},
            "HUB_DATABASE_URL must be a postgresql:// or sqlite:/// URL",
        ),
        (
            {"HUB_AUDIT_DATABASE_URL": "not a url"},
            "HUB_AUDIT_DATABASE_URL must be a postgresql:// or sqlite:/// URL",
        ),
        (
            {"HUB_BLOB_S3_ENDPOINT": "http://s3", "HUB_BLOB_S3_BUCKET": "b"},
            "HUB_BLOB_S3_ENDPOINT needs HUB_BLOB_S3_ACCESS_KEY, HUB_BLOB_S3_SECRET_KEY",
        ),
    ],
)
def test_a_variable_that_does_not_parse_is_named_not_echoed(env: dict[str, str], message: str):
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "env",
    [
        {"HUB_TOKEN_SECRET": "hunter2-is-not-long-enough"},
        {"HUB_DATABASE_URL": "mysql://hub:hunter2-pw@127.0.0.1/hub"},
        {"HUB_PORT": "hunter2-port"},
    ],
)
def test_a_refused_value_is_never_echoed(env: dict[str, str]):
    # a value may be a secret: the message names the variable only
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert "hunter2" not in str(refused.value)
    assert next(iter(env)) in str(refused.value)


def test_state_system_overrides_are_read_by_prefix():
    settings = load_settings({"HUB_STATE_SYSTEM_URL_36": "http://ny", "HUB_TOKEN_SECRET": SECRET})
    assert settings.state_system_url("36") == "http://ny"
    assert settings.state_system_url("06") == "http://127.0.0.1:8100"
    assert STATE_SYSTEM_URL.env == "HUB_STATE_SYSTEM_URL_<CODE>"
