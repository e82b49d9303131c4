"""Handing a hot lead to a sales rep: reps.yml, routing, free slots, booking, ICS invites."""

# The lead store's models first: they register this package's tables (bot.handoff.models)
# on the shared Base, whichever of the two is imported first.
import bot.leads.models  # noqa: F401
