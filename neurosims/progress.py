"""A progress line for long runs: simulated time, chunk, wall time and ETA, on stderr."""

from __future__ import annotations

import sys
import time


class Progress:
    """Rewrites one line on a terminal; elsewhere (logs, CI) prints a line every ~10%."""

    def __init__(self, label: str, total_chunks: int, chunk_seconds: float, stream=None,
                 enabled: bool = True):
        self.label = label
        self.total = total_chunks
        self.chunk_seconds = chunk_seconds
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.time()
        self.first_chunk = None
        self.last_decile = -1

    def update(self, chunk: int, note: str = "") -> None:
        """`chunk` chunks are done; `note` is appended (e.g. the latest metric)."""
        if not self.enabled:
            return
        if self.first_chunk is None:
            self.first_chunk = chunk  # a resumed run starts here: ETA counts from it
            self.started = time.time()
            return
        elapsed = time.time() - self.started
        done = chunk - self.first_chunk
        rate = elapsed / done if done else 0.0
        eta = rate * (self.total - chunk)
        line = (f"{self.label}: chunk {chunk}/{self.total}, "
                f"{chunk * self.chunk_seconds:g} s of {self.total * self.chunk_seconds:g} s simulated, "
                f"elapsed {_clock(elapsed)}, ETA {_clock(eta)}" + (f"  {note}" if note else ""))
        decile = int(10 * chunk / max(self.total, 1))
        if self.tty:
            self.stream.write("\r" + line[:150].ljust(150))
            if chunk == self.total:
                self.stream.write("\n")
        elif decile != self.last_decile or chunk == self.total:
            self.stream.write(line + "\n")
        self.last_decile = decile
        self.stream.flush()

    def message(self, text: str) -> None:
        if self.enabled:
            self.stream.write(("\n" if self.tty else "") + text + "\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
