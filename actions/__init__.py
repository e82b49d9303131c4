"""Rasa custom actions: thin adapters between the tracker and the domain in bot/.

rasa-sdk imports every module in this package at start-up and builds each action with no
arguments, so actions reach services through bot-level accessors, never module globals.
"""
