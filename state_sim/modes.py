"""Per-state switches of the simulator: answer normally, slowly, with 503, or with garbage."""

from __future__ import annotations

from collections.abc import Mapping

MODES = ("ok", "slow", "fail", "garbage")
"""`ok` answers; `slow` stalls (10 s by default); `fail` answers 503; `garbage` a malformed 200."""


class SimModes:
    """The mode of each jurisdiction code; `ok` unless switched."""

    def __init__(self, initial: Mapping[str, str] | None = None) -> None:
        self._modes: dict[str, str] = {}
        for code, mode in (initial or {}).items():
            self.switch(code, mode)

    def switch(self, code: str, mode: str) -> None:
        """Set `code` to `mode`; raises ValueError for a mode not in MODES."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        if mode == "ok":
            self._modes.pop(code, None)
        else:
            self._modes[code] = mode

    def of(self, code: str) -> str:
        return self._modes.get(code, "ok")

    def switched(self) -> dict[str, str]:
        """The codes that are not `ok`, with their modes."""
        return dict(sorted(self._modes.items()))


def parse_mode(text: str) -> tuple[str, str]:
    """`"36=slow"` -> `("36", "slow")`; raises ValueError when malformed."""
    code, sep, mode = text.partition("=")
    if not sep or not code.strip() or mode.strip() not in MODES:
        raise ValueError(f"expected CODE=MODE with MODE one of {', '.join(MODES)}")
    return code.strip(), mode.strip()
