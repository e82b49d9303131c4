"""The action server's access to the domain services, built lazily on first use.

rasa-sdk builds every action with no arguments at import time, so nothing may connect
then; tests replace the services with `use_services`.
"""

from __future__ import annotations

from bot.bootstrap import Services, build_services

_services: Services | None = None


def services() -> Services:
    global _services
    if _services is None:
        _services = build_services()
    return _services


def use_services(replacement: Services | None) -> None:
    """Swap the services (tests); None makes the next call build them from settings."""
    global _services
    _services = replacement
