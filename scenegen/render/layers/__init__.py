"""The layers of a picture, one module each; base.py holds the GL plumbing they share."""
