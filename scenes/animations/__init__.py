"""Motions of the representation picture, as Animation subclasses."""
