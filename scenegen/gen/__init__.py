"""Pure generation: seed spec in, numpy records out. Nothing here imports pyglet."""
