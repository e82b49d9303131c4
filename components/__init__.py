"""Rasa graph components of our own, named in config.yml.

They run inside Rasa (the rasa environment), so this package may import `rasa` and `spacy`;
nothing in `bot/` or `actions/` imports it. Each one is a subclass of the Rasa component it
stands for and changes only what it says, for speed: see `make bench`.
"""
