"""The stack's processes, one subprocess each, started from the Procfile that `make up` runs.

`make up` runs the Procfile under honcho; here each line runs the way honcho runs it (through
the shell, in its own session) but under our control, so a test can stop or restart one
process. Each process writes to its own log file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

from honcho.environ import parse_procfile

STOP_TIMEOUT_SECONDS = 15.0


def read_procfile(path: Path) -> dict[str, str]:
    return dict(parse_procfile(path.read_text()).processes)


class Supervisor:
    def __init__(self, commands: Mapping[str, str], env: Mapping[str, str], cwd: Path, logs: Path):
        self.commands = dict(commands)
        self.env = dict(env)
        self.cwd = cwd
        self.logs = logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self._running: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def names(self) -> list[str]:
        return list(self.commands)

    def log_path(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def start(self, name: str) -> None:
        if self.is_running(name):
            return
        with self.log_path(name).open("ab") as log:
            log.write(f"--- {time.strftime('%H:%M:%S')} starting {name}\n".encode())
            log.flush()
            # Append mode: nginx reopens /dev/stdout, which must not rewind the file.
            self._running[name] = subprocess.Popen(
                self.commands[name],
                shell=True,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)

    def stop(self, name: str, timeout: float = STOP_TIMEOUT_SECONDS) -> int | None:
        """SIGTERM to the process group, SIGKILL after ``timeout``; returns the exit code."""
        self._signal_all([name], signal.SIGTERM)
        return self._reap([name], timeout)[name]

    def stop_all(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        names = list(self._running)
        self._signal_all(names, signal.SIGTERM)
        self._reap(names, timeout)

    def restart(self, name: str) -> None:
        self.stop(name)
        self.start(name)

    def is_running(self, name: str) -> bool:
        process = self._running.get(name)
        return process is not None and process.poll() is None

    def exited(self) -> dict[str, int]:
        """Processes that were started and have ended by themselves, with their exit codes."""
        return {
            name: code
            for name, process in self._running.items()
            if (code := process.poll()) is not None
        }

    def log_tail(self, name: str | None = None, lines: int = 40) -> str:
        names = [name] if name else self.names
        parts = []
        for each in names:
            path = self.log_path(each)
            text = path.read_text(errors="replace") if path.is_file() else ""
            tail = "\n".join(text.splitlines()[-lines:])
            parts.append(f"----- {each} ({path}) -----\n{tail}")
        return "\n".join(parts)

    def _signal_all(self, names: list[str], signum: int) -> None:
        for name in names:
            process = self._running.get(name)
            if process is not None and process.poll() is None:
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signum)

    def _reap(self, names: list[str], timeout: float) -> dict[str, int | None]:
        deadline = time.monotonic() + timeout
        codes: dict[str, int | None] = {}
        for name in names:
            process = self._running.pop(name, None)
            if process is None:
                codes[name] = None
                continue
            try:
                codes[name] = process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                codes[name] = process.wait()
            # Anything the process left behind in its group (gunicorn or nginx workers).
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        return codes
