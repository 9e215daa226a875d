"""The example config shipped inside the package, so a bare install has working defaults."""

from importlib.resources import files

EXAMPLE_CONFIG_TOML: str = files("bot").joinpath("data/jobpicks.example.toml").read_text("utf-8")
