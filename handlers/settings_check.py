"""What only the handlers can check in the configuration: the intents ``nlu.extra_keywords`` and
the files of ``nlu.example_files`` name, and the custom menu's CLICK keys (``menu.buttons``).

Settings (``models.settings``) check each value's own shape and know nothing of intents or menu
keys; a process that runs the bot calls :func:`check_settings` when it starts (``bot.runtime``),
so a misspelt name stops it there, before any router is built or message answered.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator

from handlers.menu import MENU_KEYS
from handlers.nlu.bayes import load
from handlers.registry import BY_NAME
from models.settings import ConfigError, MenuButton, NluSettings, Settings


def check_settings(settings: Settings) -> None:
    """Raise :class:`ConfigError` ("dotted.key: reason", as loading settings does) when the
    ``nlu`` section names an unknown intent or holds an unreadable or malformed examples file,
    or a menu button's ``key`` is not one of ``handlers.menu.MENU_KEYS``."""
    _check_nlu(settings.nlu, set(BY_NAME))
    for where, button in _buttons("menu.buttons", settings.menu.buttons):
        if button.key is not None and button.key not in MENU_KEYS:
            raise ConfigError(f"{where}.key: unknown menu key {button.key!r}; "
                              f"known keys: {', '.join(MENU_KEYS)}")


def _check_nlu(nlu: NluSettings, intents: Collection[str]) -> None:
    for intent in nlu.extra_keywords:
        if intent not in intents:
            raise ConfigError(f"nlu.extra_keywords.{intent}: unknown intent; use one of "
                              + ", ".join(sorted(intents)))
    for path in nlu.example_files:
        try:
            load(path, intents)  # reads the lines only: no router is trained here
        except (ValueError, OSError) as exc:
            raise ConfigError(f"nlu.example_files: {exc}") from None


def _buttons(where: str, buttons: list[MenuButton]) -> Iterator[tuple[str, MenuButton]]:
    """Every button with its dotted key (``menu.buttons.0.sub_buttons.2``), depth first."""
    for number, button in enumerate(buttons):
        yield f"{where}.{number}", button
        yield from _buttons(f"{where}.{number}.sub_buttons", button.sub_buttons)
