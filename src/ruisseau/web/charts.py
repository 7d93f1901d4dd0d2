"""Bar charts drawn on the server as SVG geometry: no script, no inline style (CSP-safe)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 220, 16, 28, 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    text: str  # the value as people read it (locale-formatted amount)

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


def bars(points: list[tuple[str, int, str]]) -> list[Bar]:
    """``(label, value, text)`` per bar, left to right → bar rectangles scaled to the tallest."""
    if not points:
        return []
    tallest = max(value for _, value, _ in points) or 1
    slot = (WIDTH - 2 * LEFT) / len(points)
    usable = HEIGHT - TOP - BOTTOM
    result = []
    for index, (label, value, text) in enumerate(points):
        height = round(usable * max(value, 0) / tallest, 1)
        if value > 0:
            height = max(height, 2)  # a tiny amount still shows
        result.append(Bar(
            x=round(LEFT + index * slot + slot * 0.15, 1), y=round(TOP + usable - height, 1),
            width=round(slot * 0.7, 1), height=height, label=label, value=value, text=text,
        ))
    return result
