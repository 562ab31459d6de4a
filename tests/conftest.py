"""Shared test settings."""

from __future__ import annotations

from hypothesis import settings

# The machine is shared and noisy: a property test should fail on a wrong answer, never
# because one example happened to run slowly.
settings.register_profile("smtp-sim", deadline=None)
settings.load_profile("smtp-sim")
