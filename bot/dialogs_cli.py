"""``kiteline dialogs``: every registered dialog as a Mermaid ``stateDiagram-v2``, drawn from its
declaration (``handlers.dialog_machine``), so the picture never drifts from the code."""
from __future__ import annotations

import click

from handlers.registry import DIALOGS


def diagrams() -> str:
    """Every dialog's diagram in a Markdown fence, under a heading naming the dialog."""
    return "\n\n".join(f"## {name}\n\n```mermaid\n{dialog.mermaid()}\n```"
                       for name, dialog in DIALOGS.items())


@click.command("dialogs")
def dialogs() -> None:
    """Print each dialog's state diagram (Mermaid), generated from its declaration."""
    click.echo(diagrams())
