"""Text from inputs made safe for a terminal: control and other invisible characters shown escaped."""

from __future__ import annotations

__all__ = ["printable"]


def _escape(ch: str) -> str:
    n = ord(ch)
    if n < 0x100:
        return f"\\x{n:02x}"
    if n < 0x10000:
        return f"\\u{n:04x}"
    return f"\\U{n:08x}"


def printable(text: str, newlines: bool = False) -> str:
    """`text` with every character a terminal would act on, or that cannot be seen, written as a Python
    escape (ESC, BEL, C1 controls, bidirectional overrides, lone surrogates …); with `newlines`, line
    breaks are kept (for messages of one line per problem whose parts are already escaped)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or (newlines and ch == "\n") else _escape(ch) for ch in text)
