"""The viewer's HUD and help overlay: the text is composed by pure functions, drawn as pyglet Labels in one Batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .controls import help_rows
from .transport import STRIP_ROWS, timeline_marks

__all__ = ["HudState", "status_lines", "help_text", "Hud", "STRIP_ROW_PX", "MAX_MARKS"]

STRIP_ROW_PX = 3         # the timeline strip: one row of this many pixels per kind of cue
MAX_MARKS = 600          # cues drawn on the strip at most (a long score's later cues are left off)


@dataclass
class HudState:
    """What the HUD says, gathered by the viewer each frame."""
    name: str = ""
    seed: Any = 0
    seed_hex: str = ""
    file_seed: Any = None            # the seed file's own seed, when a re-roll replaced it
    figures: int = 0
    spheres: int = 0
    fps: float = 0.0
    frame_ms: float = 0.0
    draw_calls: int = 0
    time: float = 0.0
    speed: float = 1.0
    paused: bool = False
    fly: bool = False
    fly_speed: float = 0.0
    hidden: tuple[str, ...] = ()
    wireframe: bool = False
    scale: float = 1.0
    busy: bool = False               # a scene is being generated in the background
    error: str = ""                  # the seed file's first problem, until it is fixed
    message: str = ""                # what the last action did (a file written, a tone played)
    duration: float | None = None    # the performance's length (None: no performance, time runs on)
    sound: str = ""                  # how the performance sounds: "sound", "silent", "mixing…"
    notes: list[str] = field(default_factory=list)


def _speed(s: float) -> str:
    return f"×{s:g}" if s >= 1 else f"×1/{1 / s:g}"


def _seed(seed: Any) -> str:
    # Text seeds are shown bare, unless they would read as the integer seed they are not.
    return repr(seed) if isinstance(seed, str) and (seed.strip().isdigit() or not seed.strip()) else str(seed)


def status_lines(s: HudState) -> list[str]:
    """The HUD's lines, top to bottom."""
    seed = f"seed {_seed(s.seed)}"
    if s.file_seed is not None and s.file_seed != s.seed:
        seed += f"  (re-rolled from {_seed(s.file_seed)}; Ctrl+S saves it)"
    if s.duration is not None:
        clock = f"{'❚❚' if s.paused else '▶'} {s.time:7.2f} / {s.duration:.2f} s  {_speed(s.speed)}"
        clock += ("  paused" if s.paused else "") + (f"  {s.sound}" if s.sound else "")
    else:
        clock = f"t {s.time:8.2f} s  {_speed(s.speed)}" + ("  paused" if s.paused else "")
    mode = f"fly {s.fly_speed:.3g} m/s" if s.fly else "orbit"
    extras = [mode]
    if s.hidden:
        extras.append("hidden: " + ", ".join(s.hidden))
    if s.wireframe:
        extras.append("wireframe")
    if s.scale != 1.0:
        extras.append(f"resolution 1/{1 / s.scale:g}")
    if s.busy:
        extras.append("generating…")
    return [
        s.name,
        seed,
        f"{s.figures:,} figures  ·  {s.spheres} spheres  ·  {s.draw_calls} draw calls",
        f"{s.fps:5.1f} FPS ({s.frame_ms:.0f} ms)  ·  {clock}",
        "  ·  ".join(extras) + "   F1: help",
    ]


def help_text() -> str:
    """Every key and mouse binding, one per line."""
    rows = help_rows()
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}   {what}" for k, what in rows)


class Hud:
    """Labels in one Batch: status at the top left, the error and the last message at the bottom, the help
    overlay in the middle. Needs the window's GL context current when made and drawn."""

    def __init__(self, width: int, height: int, font_size: int = 11) -> None:
        import pyglet
        self.batch = pyglet.graphics.Batch()
        back, front = pyglet.graphics.Group(order=0), pyglet.graphics.Group(order=1)
        self.visible = True
        self.show_help = False
        self.font_size = font_size
        line = int(font_size * 1.6)
        self.status = [pyglet.text.Label("", x=10, y=0, font_name="DejaVu Sans", font_size=font_size,
                                         color=(235, 238, 255, 255), batch=self.batch, group=front)
                       for _ in range(5)]
        # The error wraps to the window's width: a located seed-file problem is often longer than a line.
        self.error = pyglet.text.Label("", x=10, y=0, font_name="DejaVu Sans", font_size=font_size,
                                       color=(255, 110, 110, 255), batch=self.batch, group=front,
                                       multiline=True, width=max(100, width - 20), anchor_y="bottom")
        self.message = pyglet.text.Label("", x=10, y=0, font_name="DejaVu Sans", font_size=font_size,
                                         color=(190, 230, 190, 255), batch=self.batch, group=front)
        self._line = line
        self.shade = pyglet.shapes.Rectangle(0, 0, 10, 10, color=(5, 5, 20, 190), batch=self.batch, group=back)
        self.foot = pyglet.shapes.Rectangle(0, 0, 0, 0, color=(5, 5, 20, 190), batch=self.batch, group=back)
        # The timeline strip along the bottom: a row per kind of cue, a mark per cue, the playhead.
        self._front = front
        self.strip = pyglet.shapes.Rectangle(0, 0, 0, 0, color=(5, 5, 20, 200), batch=self.batch, group=back)
        self.playhead = pyglet.shapes.Rectangle(0, 0, 0, 0, color=(255, 255, 255, 255), batch=self.batch,
                                                group=pyglet.graphics.Group(order=2))
        self.marks: list[Any] = []
        self.performance: Any = None
        self.duration: float | None = None
        self.help_batch = pyglet.graphics.Batch()
        self.help_shade = pyglet.shapes.Rectangle(0, 0, 10, 10, color=(5, 5, 20, 215), batch=self.help_batch,
                                                  group=back)
        self.help = pyglet.text.Label(help_text(), x=0, y=0, font_name="DejaVu Sans Mono",
                                      font_size=self._help_size(height), multiline=True, width=2000,
                                      color=(235, 238, 255, 255), batch=self.help_batch, group=front,
                                      anchor_y="top")
        self.resize(width, height)

    def _help_size(self, height: int) -> int:
        # Small windows get small help text: every line must fit.
        return max(6, min(self.font_size - 1, int(0.85 * height / len(help_rows()) / 1.45)))

    def resize(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        size = self._help_size(height)
        if self.help.font_size != size:
            self.help.font_size = size
        for i, label in enumerate(self.status):
            label.y = height - 10 - self._line * (i + 1) + 4
        self.error.width = max(100, width - 20)
        lift = self.strip_height + 4 if self.performance is not None else 0
        self.error.y = 10 + self._line + lift
        self.message.y = 10 + lift
        self._layout_strip()
        w = min(width, max(self.help.content_width, 100) + 40)
        h = min(height, self.help.content_height + 30)
        x0, y0 = (width - w) // 2, (height - h) // 2
        self.help_shade.x, self.help_shade.y, self.help_shade.width, self.help_shade.height = x0, y0, w, h
        self.help.x, self.help.y = x0 + 20, y0 + h - 15
        self._fit_shade()

    @property
    def strip_height(self) -> int:
        return STRIP_ROW_PX * len(STRIP_ROWS) + 8

    def set_performance(self, performance: Any) -> None:
        """Show this performance's cues on the strip (None: no strip)."""
        self.performance = performance
        self.duration = float(performance.duration) if performance is not None else None
        self.resize(self.width, self.height)

    def _layout_strip(self) -> None:
        import pyglet
        for m in self.marks:
            m.delete()
        self.marks = []
        if self.performance is None:
            self.strip.width = self.strip.height = 0
            self.playhead.width = self.playhead.height = 0
            return
        x0, w = 10, max(10, self.width - 20)
        self.strip.x, self.strip.y, self.strip.width, self.strip.height = x0 - 4, 4, w + 8, self.strip_height
        top = 4 + self.strip_height - 4
        for x, mw, row, color in timeline_marks(self.performance, w)[:MAX_MARKS]:
            self.marks.append(pyglet.shapes.Rectangle(x0 + x, top - (row + 1) * STRIP_ROW_PX, mw, STRIP_ROW_PX - 1,
                                                      color=(*color, 230), batch=self.batch, group=self._front))
        self.playhead.y, self.playhead.width, self.playhead.height = 4, 2, self.strip_height

    def playhead_x(self, time: float) -> float:
        """Where the playhead stands on the strip for `time` seconds."""
        if not self.duration:
            return 10.0
        return 10.0 + max(0.0, min(time / self.duration, 1.0)) * max(10, self.width - 20)

    def _fit_shade(self) -> None:
        used = [lb for lb in self.status if lb.text]
        width = max([lb.content_width for lb in used] + [0]) + 20
        self.shade.x, self.shade.width = 0, width
        self.shade.height = self._line * len(self.status) + 10
        self.shade.y = self.height - self.shade.height
        bottom = [lb for lb in (self.error, self.message) if lb.text]
        self.foot.width = max([lb.content_width for lb in bottom] + [-20]) + 20
        tops = [self.error.y + self.error.content_height if lb is self.error else lb.y + self._line
                for lb in bottom]
        self.foot.height = max(tops) + 4 if bottom else 0

    def update(self, state: HudState) -> None:
        for label, text in zip(self.status, status_lines(state)):
            if label.text != text:
                label.text = text
        if self.error.text != state.error:
            self.error.text = state.error
        if self.message.text != state.message:
            self.message.text = state.message
        if self.performance is not None:
            self.playhead.x = self.playhead_x(state.time) - 1
        self._fit_shade()

    @property
    def text(self) -> str:
        """Everything the HUD shows now, as plain text (what a test or a screen reader reads)."""
        parts = [lb.text for lb in self.status] + [self.error.text, self.message.text]
        if self.show_help:
            parts.append(self.help.text)
        return "\n".join(p for p in parts if p)

    def draw(self) -> None:
        if self.visible:
            self.batch.draw()
        if self.show_help:
            self.help_batch.draw()

    def delete(self) -> None:
        for lb in [*self.status, self.error, self.message, self.help]:
            lb.delete()
        self.shade.delete()
        self.foot.delete()
        for m in self.marks:
            m.delete()
        self.marks = []
        self.strip.delete()
        self.playhead.delete()
        self.help_shade.delete()
