"""A seeded generator of simulated website visitors, and the checks run on what they live.

Visitors are composed from blind-written phrasings (tests/conversations/phrasings/): a
persona (hot / lukewarm / cold, a role, a currency, a time zone) x an opening style x an
answer style x digressions at random questions. Each one talks to the real Rasa server
and action server; every conversation is then checked against the invariants of issue 11
and the route the rubric gives for the facts the visitor actually gave. A seed replays a
conversation exactly (as long as the bot answers the same).

    phrasings = load_phrasings(PHRASINGS / "heldout")
    plan = compose(seed, phrasings, rubric)
    record = await run_conversation(client, plan, phrasings)
    violations = check(record, rubric)
"""
