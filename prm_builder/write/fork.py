"""Run one piece of work in a forked child process while the caller does another.

A build spends most of its time serializing thousands of independent components; on a
machine with two or more cores half of them are serialized (and schema-checked) by a
forked child. The child starts from the parent's memory (nothing is re-imported or
re-computed), sends its result back pickled through a pipe, and the caller merges the two
halves in a fixed order, so the output is the same bytes as a serial run.
"""

from __future__ import annotations

import os
import pickle
import signal
from typing import Any, Callable

#: below this many items the fork costs more than it saves
MIN_ITEMS = 400


def available(items: int) -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and items >= MIN_ITEMS


def start(work: Callable[[], Any]) -> Callable[[], Any]:
    """Start work() in a forked child; the returned function waits for its result (an
    exception the child raised is raised again in the caller)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 0
        # Ctrl-C reaches the whole process group: the parent answers it (exit 130, staging
        # cleaned up); a child interrupted mid-write would look like a worker that crashed.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
                payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # noqa: BLE001 - e.g. the parent went away: nothing to report to
            status = 1
        finally:
            os._exit(status)  # no atexit handlers, no flushing the parent's buffered output twice
    os.close(write_end)

    def result() -> Any:
        try:
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
        finally:
            os.waitpid(pid, 0)
        if not data:
            raise RuntimeError("the forked worker died without a result")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    return result
