"""Periods: calendar months in UTC. A flattr made in a period is settled after it ends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ruisseau.errors import InvalidInput

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 2000 <= self.year <= 9999:
            raise InvalidInput(
                f"{self.year:04d}-{self.month:02d} is not a valid period: periods run from 2000-01 to 9999-12"
            )

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``YYYY-MM``; anything else raises InvalidInput."""
        match = _PERIOD_RE.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise InvalidInput(f"{text!r} is not a period: write it as YYYY-MM, e.g. 2026-11")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, moment: datetime) -> Period:
        moment = moment.astimezone(UTC)
        return cls(moment.year, moment.month)

    @classmethod
    def from_date(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    def __add__(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    def __sub__(self, months: int) -> Period:
        return Period.from_index(self.index - months)

    @property
    def first_day(self) -> date:
        """The value stored in ``period`` columns."""
        return date(self.year, self.month, 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """First instant after the period."""
        return (self + 1).start

    def is_closed(self, now: datetime) -> bool:
        return now >= self.end

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
