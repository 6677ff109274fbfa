"""The progress of long commands: a bar on a terminal, silence in a pipe."""

from __future__ import annotations

import io

from rich.console import Console

from app.cli.progress import BarProgress, Progress, SilentProgress, progress_for


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_steps(progress: Progress) -> None:
    with progress:
        progress.step("Re-judging cases")
        for done in range(4):
            progress.update(done, 3)
        progress.step("Computing the figures")
        progress.step("Writing the report")


def test_the_bar_draws_each_step_with_its_count_on_a_terminal() -> None:
    screen = io.StringIO()
    run_steps(BarProgress(Console(file=screen, force_terminal=True, width=100)))
    drawn = screen.getvalue()
    assert "Re-judging cases" in drawn and "3/3" in drawn
    assert "Computing the figures" in drawn and "Writing the report" in drawn
    assert "/?" not in drawn and "1/1" not in drawn  # steps without a count show none
    assert "━" in drawn  # the bar itself


def test_the_bar_ticks_off_every_step_when_closed() -> None:
    screen = io.StringIO()
    run_steps(BarProgress(Console(file=screen, force_terminal=True, width=100)))
    drawn = screen.getvalue()
    for step in ("Re-judging cases", "Computing the figures", "Writing the report"):
        assert f"✓ {step}" in drawn


def test_a_terminal_gets_the_bar() -> None:
    assert isinstance(progress_for(FakeTerminal()), BarProgress)


def test_a_pipe_gets_silence() -> None:
    assert isinstance(progress_for(io.StringIO()), SilentProgress)


def test_quiet_silences_a_terminal() -> None:
    assert isinstance(progress_for(FakeTerminal(), quiet=True), SilentProgress)


def test_silent_progress_writes_nothing() -> None:
    stream = io.StringIO()
    run_steps(progress_for(stream))
    assert stream.getvalue() == ""
