"""``python -m ae_explainer ARGS`` in a child forked from a process that imported the CLI once.

A fresh interpreter spends most of a bad-input case importing numpy, scipy
and the project (about 0.6 s of CPU); the case itself takes a few
milliseconds. :class:`ForkedCli` starts this module once (``python -m
tests.forked_cli``), which imports ``ae_explainer.cli.app`` and waits; each case
is a child forked from it with its own folder, environment, arguments, stdin
(``/dev/null``), stdout and stderr, that runs ``ae_explainer``'s ``__main__``
as a fresh process does and ends with the exit status the interpreter would
give. Every setting the project reads from the environment is read when the
command runs, not at import, so the child sees its case's environment.
``tests/test_bad_inputs.py`` checks that a forked case and a real process
give the same status and the same stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

__all__ = ["ForkedCli"]

ROOT = Path(__file__).resolve().parents[1]


def _exit_status(code: object) -> int:
    """The exit status the interpreter gives for ``SystemExit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _child(case: dict[str, Any]) -> None:
    """In the forked child: become the case's ``python -m ae_explainer`` and exit with its status."""
    import atexit
    import signal
    import traceback

    status = 1
    try:
        signal.alarm(int(case["timeout"]))  # a hang guard: a case that hangs dies with SIGALRM
        os.chdir(case["cwd"])
        os.environ.clear()
        os.environ.update(case["env"])
        for fd, path, flags in (
            (0, os.devnull, os.O_RDONLY),
            (1, case["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            (2, case["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        ):
            new = os.open(path, flags, 0o600)
            os.dup2(new, fd)
            os.close(new)
        sys.argv = ["ae-explainer", *case["args"]]
        from ae_explainer.cli.app import main

        try:
            status = _exit_status(main())
        except SystemExit as e:
            status = _exit_status(e.code)
        except BaseException:  # as the interpreter: the traceback on stderr, status 1
            traceback.print_exc()
            status = 1
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a closed stream must not change the status
                stream.flush()
        os._exit(status)


def _serve() -> None:
    """Read one case per line on stdin, fork it, answer its exit status on stdout."""
    # The imports the cases share, made once: the CLI and its commands, the trainer (torch: a train
    # case that gets past its flags imports it) and Manim (a render case imports it to list the
    # chapters; no manim.cfg is read, neither here nor in a case's folder). Importing torch starts no
    # thread, so the cases fork safely.
    # Only a saving: a module moved elsewhere is imported by the case that needs it.
    import importlib

    for name in ("ae_explainer.cli.app", "ae_explainer.cli.commands", "aecore.train", "manim"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)

    answers = os.fdopen(os.dup(1), "w")
    for line in sys.stdin:
        case = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(case)
        _, wait = os.waitpid(pid, 0)
        answers.write(json.dumps(os.waitstatus_to_exitcode(wait)) + "\n")
        answers.flush()


class ForkedCli:
    """The server process; :meth:`run` is ``subprocess.run([python, -m, ae_explainer, *args])``."""

    def __init__(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.forked_cli"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._lock = threading.Lock()

    def run(
        self, args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600
    ) -> subprocess.CompletedProcess[str]:
        out, err = cwd.parent / f".{cwd.name}.stdout", cwd.parent / f".{cwd.name}.stderr"
        case = {"args": args, "cwd": str(cwd), "env": env, "stdout": str(out), "stderr": str(err)}
        with self._lock:
            pipe_in: IO[str] = self._proc.stdin  # type: ignore[assignment]
            pipe_out: IO[str] = self._proc.stdout  # type: ignore[assignment]
            pipe_in.write(json.dumps({**case, "timeout": timeout}) + "\n")
            pipe_in.flush()
            answer = pipe_out.readline()
        if not answer:
            raise RuntimeError(f"the forked CLI server ended (exit {self._proc.poll()})")
        try:
            return subprocess.CompletedProcess(
                args, json.loads(answer), out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
            )
        finally:
            out.unlink(missing_ok=True)
            err.unlink(missing_ok=True)

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=600)  # a hang guard: the server exits as soon as its stdin closes


if __name__ == "__main__":
    _serve()
