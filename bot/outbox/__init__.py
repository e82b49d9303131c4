"""The durable outbox: side effects written as rows with the fact that causes them,
delivered by a worker with retries (bot.outbox.worker), woken on commit (bot.outbox.wakeup).
"""
