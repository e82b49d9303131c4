"""The conversations the load generator plays: one visitor's turns, in order.

"{n}" in a turn is replaced by a token unique to the conversation. Both scripts have the
same number of turns, so a conversation costs the same number of
requests on either bot and the mix of turns is the same at every concurrency level.
"""

from __future__ import annotations

# A full BANT qualification: greeting, request, need, budget, authority, timeline, contact.
LEADBOT_SCRIPT: tuple[str, ...] = (
    "hi",
    "I'd like a demo",
    "we lose leads at night",
    "about 20k a year",
    "I'm the head of sales",
    "in 3 months",
    "Sam Lee",
    # {n} becomes a token unique to the conversation: one new lead each (the store dedupes
    # by email). Not example.com: Leadbot rightly rejects placeholder domains.
    "sam.lee.{n}@examplecorp.com",
    "Example Corp",
)

# Both Rasa baselines (bench/baseline, bench/stock): one static answer per turn.
BASELINE_SCRIPT: tuple[str, ...] = (
    "hello",
    "what can it do",
    "how much does it cost",
    "does it integrate with hubspot",
    "is my data safe",
    "are you a bot",
    "ok great",
    "thanks",
    "bye",
)
