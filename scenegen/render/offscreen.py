"""Headless OpenGL: a hidden pyglet context (EGL when there is no display), framebuffers, read-back, GL errors."""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

import numpy as np

__all__ = ["GLUnavailable", "GLError", "configure_pyglet", "ensure_context", "check_gl", "gl_advice", "Framebuffer"]


class GLUnavailable(RuntimeError):
    """No OpenGL 3.3 context can be made here (no libGL/libEGL, no display, too old a driver)."""


class GLError(RuntimeError):
    """glGetError reported an error."""


# The hidden window that owns the context, kept alive for the life of the process: pyglet ties its
# shader programs and buffers to the current context, and a context made per render would cost ~0.3 s.
_window: Any = None


# What a machine without them needs, by system: the GL and EGL libraries (glvnd), and Mesa's EGL driver with
# its software renderer (llvmpipe), which is all headless rendering needs: no GPU, no display.
INSTALL_GL = ("install OpenGL and EGL: on Debian or Ubuntu `sudo apt-get install libgl1 libegl1 libegl-mesa0 "
              "libgl1-mesa-dri`; on Fedora `sudo dnf install mesa-libGL mesa-libEGL mesa-dri-drivers`")


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


def gl_advice(err: BaseException | str) -> str:
    """What to install or do about an error met while making an OpenGL context, in one clause."""
    text = str(err)
    name = type(err).__name__ if isinstance(err, BaseException) else ""
    display = os.environ.get("DISPLAY", "")
    if 'Library "GL"' in text or "libGL.so" in text or 'Library "EGL"' in text or "libEGL.so" in text:
        return INSTALL_GL
    if "Cannot connect to" in text or ("display" in text.lower() and display):
        return (f"no X server answers at DISPLAY={display}: start one (or `xvfb-run scenegen …`), or unset "
                "DISPLAY to render headless through EGL")
    if name == "NoSuchConfigException" or "EGL" in text or "config" in text.lower():
        return ("EGL found no usable driver or device: install Mesa's EGL driver and software renderer "
                "(Debian/Ubuntu `sudo apt-get install libegl-mesa0 libgl1-mesa-dri`; Fedora `sudo dnf install "
                "mesa-libEGL mesa-dri-drivers`); with a GPU driver of your own, check that its EGL vendor file "
                "is installed")
    if "version" in text.lower() or "3.3" in text:
        return ("the driver offers less than OpenGL 3.3 core: update Mesa (or the GPU driver), or use Mesa's "
                "software renderer with LIBGL_ALWAYS_SOFTWARE=1")
    return INSTALL_GL


def _want_headless() -> bool:
    if os.environ.get("PYGLET_HEADLESS", "").strip().lower() in ("1", "true", "yes"):
        return True
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return True
    return False


def configure_pyglet() -> None:
    """Choose pyglet's headless (EGL) platform when there is no display. Must run before anything imports
    pyglet.gl or pyglet.window (importing pyglet.gl imports pyglet.window, which picks its platform then)."""
    if "pyglet.window" in sys.modules or not _want_headless():
        return
    try:
        import pyglet
    except ImportError:
        return
    pyglet.options.headless = True


def ensure_context() -> Any:
    """The current pyglet GL context; makes a hidden one (headless EGL without a display) if there is none.

    RGBA8 with a 24-bit depth buffer is asked for explicitly: Mesa's default headless surface is RGB565.
    Raises GLUnavailable when no OpenGL 3.3 core context can be made.
    """
    global _window
    try:
        configure_pyglet()
        from pyglet import gl
        current = gl.current_context      # pyglet.gl loads lazily: here, with its libraries and shadow window
    except Exception as err:  # ImportError, or a missing libGL raised as OSError/ImportError
        raise GLUnavailable(f"OpenGL cannot load here ({_first_line(err)}); {gl_advice(err)}") from err
    if current is not None:
        return current
    try:
        import pyglet.window
        # gl.Config is the platform's concrete class at run time; pyglet's annotations name the abstract base.
        config = gl.Config(major_version=3, minor_version=3, forward_compatible=True,  # type: ignore[abstract]
                           double_buffer=False, red_size=8, green_size=8, blue_size=8, alpha_size=8, depth_size=24)
        _window = pyglet.window.Window(width=16, height=16, visible=False, config=config)
    except Exception as err:
        raise GLUnavailable(f"no OpenGL 3.3 core context ({_first_line(err)}); {gl_advice(err)}") from err
    _window.switch_to()
    return gl.current_context


def check_gl(where: str = "") -> None:
    """Raise GLError if GL has recorded errors (all of them are read, so the next check starts clear)."""
    from pyglet import gl
    errors = []
    for _ in range(16):
        e = gl.glGetError()
        if e == gl.GL_NO_ERROR:
            break
        errors.append(f"0x{e:04x}")
    if errors:
        raise GLError(f"GL error {', '.join(errors)}" + (f" after {where}" if where else ""))


class Framebuffer:
    """An offscreen render target: one colour texture (RGBA8 or RGBA16F) and optionally a depth-24 buffer."""

    def __init__(self, width: int, height: int, hdr: bool = False, depth: bool = True,
                 linear_filter: bool = True, float32: bool = False) -> None:
        """`float32`: RGBA32F, for values that are read back as numbers (positions), not shown."""
        from pyglet import gl
        self.width, self.height, self.hdr = int(width), int(height), hdr or float32
        self.texture = gl.GLuint()
        gl.glGenTextures(1, ctypes.byref(self.texture))
        gl.glBindTexture(gl.GL_TEXTURE_2D, self.texture)
        internal = gl.GL_RGBA32F if float32 else gl.GL_RGBA16F if hdr else gl.GL_RGBA8
        kind = gl.GL_FLOAT if float32 else gl.GL_HALF_FLOAT if hdr else gl.GL_UNSIGNED_BYTE
        gl.glTexImage2D(gl.GL_TEXTURE_2D, 0, internal, self.width, self.height, 0, gl.GL_RGBA, kind, None)
        filt = gl.GL_LINEAR if linear_filter else gl.GL_NEAREST
        gl.glTexParameteri(gl.GL_TEXTURE_2D, gl.GL_TEXTURE_MIN_FILTER, filt)
        gl.glTexParameteri(gl.GL_TEXTURE_2D, gl.GL_TEXTURE_MAG_FILTER, filt)
        gl.glTexParameteri(gl.GL_TEXTURE_2D, gl.GL_TEXTURE_WRAP_S, gl.GL_CLAMP_TO_EDGE)
        gl.glTexParameteri(gl.GL_TEXTURE_2D, gl.GL_TEXTURE_WRAP_T, gl.GL_CLAMP_TO_EDGE)
        gl.glBindTexture(gl.GL_TEXTURE_2D, 0)
        self.fbo = gl.GLuint()
        gl.glGenFramebuffers(1, ctypes.byref(self.fbo))
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self.fbo)
        gl.glFramebufferTexture2D(gl.GL_FRAMEBUFFER, gl.GL_COLOR_ATTACHMENT0, gl.GL_TEXTURE_2D, self.texture, 0)
        self.depth = None
        if depth:
            self.depth = gl.GLuint()
            gl.glGenRenderbuffers(1, ctypes.byref(self.depth))
            gl.glBindRenderbuffer(gl.GL_RENDERBUFFER, self.depth)
            gl.glRenderbufferStorage(gl.GL_RENDERBUFFER, gl.GL_DEPTH_COMPONENT24, self.width, self.height)
            gl.glBindRenderbuffer(gl.GL_RENDERBUFFER, 0)
            gl.glFramebufferRenderbuffer(gl.GL_FRAMEBUFFER, gl.GL_DEPTH_ATTACHMENT, gl.GL_RENDERBUFFER, self.depth)
        status = gl.glCheckFramebufferStatus(gl.GL_FRAMEBUFFER)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        if status != gl.GL_FRAMEBUFFER_COMPLETE:
            self.delete()
            raise GLError(f"framebuffer {self.width}×{self.height} incomplete: 0x{status:04x}")

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def bind(self) -> None:
        """Draw into it, over its whole area."""
        from pyglet import gl
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self.fbo)
        gl.glViewport(0, 0, self.width, self.height)

    def read_rgba(self) -> np.ndarray:
        """Its pixels as (height, width, 4) uint8, top row first (as images are stored)."""
        from pyglet import gl
        out = np.empty((self.height, self.width, 4), dtype=np.uint8)
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, self.fbo)
        gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
        gl.glReadPixels(0, 0, self.width, self.height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE,
                        out.ctypes.data_as(ctypes.c_void_p))
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, 0)
        return out[::-1].copy()

    def delete(self) -> None:
        """Free the GL objects; safe to call twice (a freed name is 0, GL's "no object")."""
        from pyglet import gl
        if self.fbo.value:
            gl.glDeleteFramebuffers(1, ctypes.byref(self.fbo))
            self.fbo = gl.GLuint(0)
        if self.depth is not None:
            gl.glDeleteRenderbuffers(1, ctypes.byref(self.depth))
            self.depth = None
        if self.texture.value:
            gl.glDeleteTextures(1, ctypes.byref(self.texture))
            self.texture = gl.GLuint(0)
