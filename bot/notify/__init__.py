"""Telling the rep: the events (lead.qualified, meeting.booked, ...) and one client per channel.

Slack (slack_sdk's block models and async webhook client), email (bot.mail's transport,
with the ICS invite attached) and a generic JSON webhook (aiohttp's client, signed). The
outbox (bot.outbox) decides when; these modules only know how.
"""
