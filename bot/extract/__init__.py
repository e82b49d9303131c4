"""Normalizers: a visitor's chat answer in, a fact from bot.facts out.

Pure functions of their text (and `today` for timelines): no Rasa, no I/O beyond reading
the tables in bot/extract/data/ once. Each returns None (or an "invalid" EmailCheck) when
the answer carries nothing usable, so the form can ask again.
"""

from bot.extract.authority import parse_authority
from bot.extract.contact import SELF_EMPLOYED, clean_company, clean_name
from bot.extract.email import check_email
from bot.extract.money import parse_budget
from bot.extract.need import assess_need
from bot.extract.timeline import parse_timeline

__all__ = [
    "SELF_EMPLOYED",
    "assess_need",
    "check_email",
    "clean_company",
    "clean_name",
    "parse_authority",
    "parse_budget",
    "parse_timeline",
]
