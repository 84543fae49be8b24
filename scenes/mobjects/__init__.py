"""Mobjects that take arrays and make geometry; they never read files."""
