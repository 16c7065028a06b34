"""The settings of tokens from an identity provider: the URL, its bounds, and HMAC beside it."""

from __future__ import annotations

import pytest

from settings import JwksSettings, SettingsError, load_settings

SECRET = "s" * 64
PRODUCTION = {"HUB_ENV": "production", "HUB_TOKEN_SECRET": SECRET}


def test_without_a_jwks_url_tokens_are_hmac_only():
    token = load_settings({}).token
    assert (token.jwks, token.hmac) == (None, True)


def test_a_jwks_url_is_read_with_its_bounds():
    env = {
        "HUB_JWKS_URL": "https://idp.example.gov/.well-known/jwks.json",
        "HUB_JWKS_TIMEOUT": "1.5",
        "HUB_JWKS_REFETCH_INTERVAL": "10",
        "HUB_JWKS_MAX_AGE": "900",
    }
    assert load_settings(env).token.jwks == JwksSettings(
        url="https://idp.example.gov/.well-known/jwks.json",
        timeout_seconds=1.5,
        refetch_interval_seconds=10.0,
        max_age_seconds=900.0,
    )


def test_a_max_age_below_the_refetch_interval_is_raised_to_it():
    env = {
        "HUB_JWKS_URL": "https://idp",
        "HUB_JWKS_REFETCH_INTERVAL": "60",
        "HUB_JWKS_MAX_AGE": "5",
    }
    jwks = load_settings(env).token.jwks
    assert jwks is not None
    assert jwks.max_age_seconds == 60.0


@pytest.mark.parametrize(
    ("env", "hmac"),
    [
        ({**PRODUCTION}, True),
        ({**PRODUCTION, "HUB_JWKS_URL": "https://idp"}, False),
        ({**PRODUCTION, "HUB_JWKS_URL": "https://idp", "HUB_TOKEN_HMAC": "on"}, True),
        ({"HUB_JWKS_URL": "https://idp"}, True),
        ({"HUB_TOKEN_HMAC": "off"}, False),
    ],
    ids=["production", "production-provider", "production-both", "development", "dev-off"],
)
def test_hmac_tokens_are_off_in_production_with_a_provider_unless_asked_for(
    env: dict[str, str], hmac: bool
):
    assert load_settings(env).token.hmac is hmac


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/jwks", "http://localhost/jwks", "http://[::1]:9/jwks"]
)
def test_production_allows_http_on_loopback_only(url: str):
    jwks = load_settings({**PRODUCTION, "HUB_JWKS_URL": url}).token.jwks
    assert jwks is not None
    assert jwks.url == url


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {**PRODUCTION, "HUB_JWKS_URL": "http://idp.example.gov/jwks"},
            "HUB_JWKS_URL must be https:// when HUB_ENV=production",
        ),
        ({"HUB_JWKS_URL": "ftp://idp/jwks"}, "HUB_JWKS_URL must be an https:// URL"),
        ({"HUB_JWKS_URL": "idp.example.gov"}, "HUB_JWKS_URL must be an https:// URL"),
        ({"HUB_JWKS_URL": "https://[::1/jwks"}, "HUB_JWKS_URL must be an https:// URL"),
        (
            {"HUB_JWKS_URL": "https://idp", "HUB_JWKS_TIMEOUT": "0"},
            "HUB_JWKS_TIMEOUT, HUB_JWKS_REFETCH_INTERVAL, HUB_JWKS_MAX_AGE must be positive",
        ),
        (
            {"HUB_JWKS_URL": "https://idp", "HUB_JWKS_TIMEOUT": "x"},
            "HUB_JWKS_TIMEOUT must be a number",
        ),
        ({"HUB_TOKEN_HMAC": "maybe"}, "HUB_TOKEN_HMAC must be `on` or `off`"),
        (
            {"HUB_ENV": "production", "HUB_JWKS_URL": "https://idp"},
            "HUB_TOKEN_SECRET must be set when HUB_ENV=production",
        ),
    ],
    ids=["production-http", "ftp", "no-scheme", "bad-host", "zero", "text", "hmac", "no-secret"],
)
def test_a_jwks_setting_that_does_not_hold_is_named_not_echoed(env: dict[str, str], message: str):
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert str(refused.value) == message
