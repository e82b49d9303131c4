"""Leadbot's benchmark (`make bench`) and NLU evaluation summary (`make eval`).

Runs in the app environment (aiohttp, no Rasa imports): Rasa and the action server are
separate processes started and stopped by `bench.procs`.
"""
