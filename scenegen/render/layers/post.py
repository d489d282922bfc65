"""Post-processing: HDR scene target, two-level bloom and the final tone curve + sRGB into the output."""

from __future__ import annotations

from pyglet import gl

from ..offscreen import Framebuffer
from ..shaders import load_program
from .base import VertexArray, set_uniforms

__all__ = ["PostProcess"]

BLOOM_THRESHOLD = 0.85
BLOOM_STRENGTH = 0.9


class PostProcess:
    """Owns the HDR target the layers draw into and turns it into the final picture (7 draw calls)."""

    def __init__(self) -> None:
        self.bright = load_program("post", {"MODE": 0})
        self.blur = load_program("post", {"MODE": 1})
        self.compose = load_program("post", {"MODE": 2})
        self.empty = VertexArray(self.compose)
        self.size: tuple[int, int] | None = None
        self.scene: Framebuffer | None = None
        self.half: list[Framebuffer] = []
        self.quarter: list[Framebuffer] = []

    def resize(self, size: tuple[int, int]) -> None:
        if size == self.size:
            return
        self._free_targets()
        w, h = size
        self.scene = Framebuffer(w, h, hdr=True, depth=True)
        hw, hh = max(1, w // 2), max(1, h // 2)
        qw, qh = max(1, w // 8), max(1, h // 8)
        self.half = [Framebuffer(hw, hh, hdr=True, depth=False) for _ in range(2)]
        self.quarter = [Framebuffer(qw, qh, hdr=True, depth=False) for _ in range(2)]
        self.size = size

    def begin(self, size: tuple[int, int]) -> None:
        """Bind the HDR target and clear it; the layers draw after this."""
        self.resize(size)
        assert self.scene is not None
        self.scene.bind()
        gl.glClearColor(0.0, 0.0, 0.0, 1.0)
        gl.glClearDepth(1.0)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT)

    def _pass(self, program, source: Framebuffer, target: Framebuffer, **uniforms) -> None:
        target.bind()
        program.use()
        gl.glActiveTexture(gl.GL_TEXTURE0)
        gl.glBindTexture(gl.GL_TEXTURE_2D, source.texture)
        set_uniforms(program, {"u_image": 0, "u_texel": (1.0 / source.width, 1.0 / source.height), **uniforms})
        gl.glDrawArrays(gl.GL_TRIANGLES, 0, 3)

    def finish(self, target_fbo: int, viewport: tuple[int, int, int, int]) -> int:
        """Bloom, tone and write to framebuffer `target_fbo` over `viewport`; returns draw calls."""
        assert self.scene is not None
        gl.glDisable(gl.GL_DEPTH_TEST)
        gl.glDisable(gl.GL_BLEND)
        self.empty.bind()
        h0, h1 = self.half
        q0, q1 = self.quarter
        self._pass(self.bright, self.scene, h0, u_threshold=BLOOM_THRESHOLD, u_spread=0.5)
        self._pass(self.blur, h0, h1, u_dir=(1.0, 0.0))
        self._pass(self.blur, h1, h0, u_dir=(0.0, 1.0))
        self._pass(self.bright, h0, q0, u_threshold=0.0, u_spread=1.0)
        self._pass(self.blur, q0, q1, u_dir=(1.0, 0.0))
        self._pass(self.blur, q1, q0, u_dir=(0.0, 1.0))
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, target_fbo)
        gl.glViewport(*viewport)
        self.compose.use()
        for unit, fb in enumerate((self.scene, h0, q0)):
            gl.glActiveTexture(gl.GL_TEXTURE0 + unit)
            gl.glBindTexture(gl.GL_TEXTURE_2D, fb.texture)
        set_uniforms(self.compose, {"u_image": 0, "u_bloom": 1, "u_bloom_wide": 2,
                                    "u_bloom_strength": BLOOM_STRENGTH})
        gl.glDrawArrays(gl.GL_TRIANGLES, 0, 3)
        for unit in (2, 1, 0):
            gl.glActiveTexture(gl.GL_TEXTURE0 + unit)
            gl.glBindTexture(gl.GL_TEXTURE_2D, 0)
        gl.glBindVertexArray(0)
        gl.glEnable(gl.GL_DEPTH_TEST)
        return 7

    def _free_targets(self) -> None:
        for fb in ([self.scene] if self.scene else []) + self.half + self.quarter:
            fb.delete()
        self.scene, self.half, self.quarter, self.size = None, [], [], None

    def delete(self) -> None:
        self._free_targets()
        self.empty.delete()
        for p in (self.bright, self.blur, self.compose):
            p.delete()
