"""Email nurture: sequences.yml, consent-based enrollment, due steps, stop rules, suppression.

Pure domain (no Rasa, no aiohttp.web): the action server records consent and enrolls, the
web app serves unsubscribe links and webhooks, and the worker (`python -m bot.nurture.worker`,
also started inside the web app) sends the steps that are due, each exactly once.
"""
