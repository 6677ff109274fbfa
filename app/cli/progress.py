"""Progress of a long command: a bar on a terminal, nothing at all in a pipe.

A command reports its steps to a ``Progress``; ``progress_for`` picks the rich bar when the
stream is a terminal (and the user did not ask for ``--quiet``), else the silent one, so piped
output never carries progress noise.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichBar
from rich.text import Text


class Progress(Protocol):
    """Steps of one run, each started, advanced and finished in turn."""

    def step(self, label: str, total: int | None = None) -> None:
        """Start a step (finishing the one before); ``total`` None: size not known."""

    def update(self, done: int, total: int) -> None:
        """``done`` of ``total`` units of the current step are finished."""

    def close(self) -> None:
        """Finish the current step and stop drawing."""

    def __enter__(self) -> Progress: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...


class _Closing:
    """``with`` closes the progress, also when the work fails."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class SilentProgress(_Closing):
    """Progress that shows nothing: for pipes, files and ``--quiet``."""

    def step(self, label: str, total: int | None = None) -> None:
        pass

    def update(self, done: int, total: int) -> None:
        pass


class _CountColumn(ProgressColumn):
    """ "done/total" for steps that count something; nothing for the others."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("counted"):
            return Text("")
        return Text(f"{int(task.completed)}/{int(task.total or 0)}", style="progress.download")


class BarProgress(_Closing):
    """One rich bar per step, drawn on ``console`` (standard error on a terminal)."""

    def __init__(self, console: Console) -> None:
        self._bar = RichBar(
            SpinnerColumn(finished_text="✓"),
            TextColumn("{task.description}"),
            BarColumn(),
            _CountColumn(),
            TimeElapsedColumn(),
            console=console,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task: TaskID | None = None
        self._started = False

    def step(self, label: str, total: int | None = None) -> None:
        self._finish_step()
        if not self._started:
            self._bar.start()
            self._started = True
        self._task = self._bar.add_task(label, total=total, counted=total is not None)

    def update(self, done: int, total: int) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=done, total=total, counted=True)

    def _finish_step(self) -> None:
        if self._task is None:
            return
        task = self._bar.tasks[-1]
        total = task.total if task.total is not None else max(task.completed, 1)
        self._bar.update(self._task, total=total, completed=total)
        self._task = None

    def close(self) -> None:
        self._finish_step()
        if self._started:
            self._bar.stop()
            self._started = False


def progress_for(stream: TextIO, quiet: bool = False) -> Progress:
    """The bar when ``stream`` is a terminal and not ``quiet``, else silence."""
    if quiet or not stream.isatty():
        return SilentProgress()
    return BarProgress(Console(file=stream))
