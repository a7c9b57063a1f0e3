"""How far a long job has got: the rate and the time left, for the command-line bars of
`liaison screen` and `liaison subjects import` and for the batch page, so an officer with a
million travellers knows whether to wait or come back after lunch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


@dataclass(frozen=True)
class Pace:
    """Records per second and seconds left; None while there is nothing to measure yet."""

    rate: float | None
    seconds_left: float | None


def current_pace(done: int, total: int | None, since: datetime | None, done_before: int = 0) -> Pace:
    """The mean rate of the records done since `since` (the `done_before` already done then do
    not count: a run taken over by another worker is timed from where it took over), and the
    time the rest takes at that rate."""
    if since is None:
        return Pace(None, None)
    aware = since if since.tzinfo else since.replace(tzinfo=UTC)
    return _mean_pace(done - done_before, (datetime.now(UTC) - aware).total_seconds(), total, done)


def _mean_pace(counted: float, elapsed: float | None, total: float | None, done: float) -> Pace:
    """`counted` records in `elapsed` seconds, and the rest of `total` (of which `done` are done)
    at that rate; nothing while there is nothing to time."""
    if not elapsed or elapsed < 0 or counted <= 0:
        return Pace(None, None)
    rate = counted / elapsed
    return Pace(rate, None if total is None else max(0.0, total - done) / rate)


def _task_pace(task: Task) -> Pace:
    """A bar's pace measured as `current_pace` measures a run's: the mean since the bar began
    (Rich's own estimate, over its last samples, leaps when a batch engine reports in bursts)."""
    elapsed = task.finished_time if task.finished else task.elapsed
    return _mean_pace(task.completed, elapsed, task.total, task.completed)


class RateColumn(ProgressColumn):
    """Records per second since the bar began."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        rate = _task_pace(task).rate
        return Text(f"{rate:,.0f} {self.unit}/s" if rate else f"– {self.unit}/s", style="progress.data.speed")


class TimeLeftColumn(ProgressColumn):
    """The time the rest takes at that rate, `-:--:--` until the total and the rate are known."""

    def render(self, task: Task) -> Text:
        left = _task_pace(task).seconds_left
        shown = "-:--:--" if left is None else str(timedelta(seconds=round(left)))
        return Text(f"{shown} left", style="progress.remaining")


def progress_bar(label: str, console: Console, unit: str = "records") -> Progress:
    """A bar with the count done, the rate, the time taken and the time left."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        TimeElapsedColumn(),
        TimeLeftColumn(),
        console=console,
    )
