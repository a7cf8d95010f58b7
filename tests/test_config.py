"""Settings: MILKRUN_* variables or .env; unsafe or impossible values are refused at start."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from milkrun.cli import app as cli
from milkrun.config import DEV_SECRET_KEY, Settings, get_settings

LONG_SECRET = "x" * 48


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env of the checkout and no MILKRUN_* of the shell leak into these tests."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("MILKRUN_")]:
        monkeypatch.delenv(name)
    get_settings.cache_clear()


def test_the_defaults_run_a_demo_on_sqlite() -> None:
    settings = Settings()
    assert settings.env == "dev"
    assert settings.database_url == "sqlite:///./milkrun.db"
    assert settings.is_sqlite
    assert settings.timezone == "Asia/Kolkata"
    assert str(settings.zone) == "Asia/Kolkata"
    assert settings.cutoff_time == dt.time(22, 0)
    assert settings.login_max_failures == 5


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="MILKRUN_SECRET_KEY is still the development"):
        Settings(env="production")
    with pytest.raises(ValidationError, match="development default"):
        Settings(env="production", secret_key=DEV_SECRET_KEY)
    assert Settings(env="production", secret_key=LONG_SECRET).env == "production"


@pytest.mark.parametrize("env", ["dev", "demo", "test"])
def test_dev_demo_and_test_may_use_the_development_secret(env: str) -> None:
    assert Settings(env=env).secret_key.get_secret_value() == DEV_SECRET_KEY


@pytest.mark.parametrize("env", ["dev", "production"])
def test_a_short_secret_is_refused(env: str) -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(env=env, secret_key="too-short")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "IST", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        Settings(timezone=zone)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("env", "staging"),
        ("cutoff_time", "25:00"),
        ("login_max_failures", "0"),
        ("access_token_minutes", "0"),
    ],
)
def test_impossible_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    monkeypatch.setenv(f"MILKRUN_{field.upper()}", value)
    with pytest.raises(ValidationError, match=field):
        Settings()


def test_milkrun_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MILKRUN_ENV", "production")
    monkeypatch.setenv("MILKRUN_SECRET_KEY", LONG_SECRET)
    monkeypatch.setenv("MILKRUN_DATABASE_URL", "postgresql+psycopg://milkrun@db/milkrun")
    monkeypatch.setenv("MILKRUN_TIMEZONE", "Asia/Dubai")
    monkeypatch.setenv("MILKRUN_CUTOFF_TIME", "21:30")
    monkeypatch.setenv("MILKRUN_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("MILKRUN_BUSINESS_NAME", "Asha Dairy")
    monkeypatch.setenv("MILKRUN_BUSINESS_GSTIN", "29AAAAA0000A1Z5")
    settings = get_settings()
    assert settings.env == "production"
    assert settings.secret_key.get_secret_value() == LONG_SECRET
    assert settings.database_url == "postgresql+psycopg://milkrun@db/milkrun"
    assert not settings.is_sqlite
    assert settings.timezone == "Asia/Dubai"
    assert settings.cutoff_time == dt.time(21, 30)
    assert settings.login_max_failures == 3
    assert settings.business_name == "Asha Dairy"
    assert settings.business_gstin == "29AAAAA0000A1Z5"
    assert get_settings() is settings  # read once per process
    get_settings.cache_clear()


def test_a_dot_env_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "MILKRUN_BUSINESS_NAME=From dotenv\nMILKRUN_TIMEZONE=Asia/Dubai\n"
    )
    monkeypatch.setenv("MILKRUN_TIMEZONE", "Asia/Kolkata")
    settings = Settings()
    assert settings.business_name == "From dotenv"
    assert settings.timezone == "Asia/Kolkata"


def test_every_command_refuses_a_bad_configuration_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MILKRUN_ENV", "production")
    result = CliRunner().invoke(cli, ["db", "current"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "Configuration error" in result.output
    assert "MILKRUN_SECRET_KEY" in result.output


def test_a_bad_setting_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MILKRUN_TIMEZONE", "Mars/Olympus")
    result = CliRunner().invoke(cli, ["db", "current"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == ["Configuration error: MILKRUN_TIMEZONE: unknown time zone 'Mars/Olympus'"]


def test_every_setting_is_documented() -> None:
    """.env.example and the README's table list every MILKRUN_ variable Settings reads."""
    root = Path(__file__).resolve().parent.parent
    example = (root / ".env.example").read_text()
    readme = (root / "README.md").read_text()
    for name in Settings.model_fields:
        variable = f"MILKRUN_{name.upper()}"
        assert f"{variable}=" in example, f"{variable} is missing from .env.example"
        assert f"| `{variable}` |" in readme, f"{variable} is missing from README.md"
