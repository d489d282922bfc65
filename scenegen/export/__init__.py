"""Exporters: scene JSON (ours), and later glTF and heightmaps (the engines')."""
