"""In-process scheduler and dispatcher (filled in by the outbound work)."""
from __future__ import annotations


class _Nothing:
    def shutdown(self) -> None:
        pass


def start_in_process(rt):
    return _Nothing()
