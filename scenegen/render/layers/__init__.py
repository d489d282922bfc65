"""The layers of a picture, one module each; base.py holds the GL plumbing they share."""

from ..offscreen import configure_pyglet

configure_pyglet()   # before any layer module imports pyglet.gl
