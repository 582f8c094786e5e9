"""``khabar`` subcommands that involve scoring or a model (evaluate, train, extract)."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the model-side subcommands; each module adds its own."""
