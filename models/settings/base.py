"""What every settings section shares: unknown keys are refused, and one error type names the key."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ConfigError(Exception):
    """A configuration value is missing or invalid; ``str(err)`` names the dotted key."""


class Section(BaseModel):
    """A section of ``config.yaml``: a key it does not know is an error, never ignored."""

    model_config = ConfigDict(extra="forbid")
