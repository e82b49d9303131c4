"""The dedupe key of an email address: one key per mailbox, whatever way it was typed."""

from __future__ import annotations

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
MAX_EMAIL_LENGTH = 320


def normalize_email(address: str) -> str:
    """The address as typed, trimmed and lower-cased (what we show and store)."""
    value = address.strip().lower()
    if "@" not in value:
        raise ValueError(f"not an email address: {address!r}")
    if len(value) > MAX_EMAIL_LENGTH:
        raise ValueError(f"email address longer than {MAX_EMAIL_LENGTH} characters")
    return value


def email_key(address: str) -> str:
    """The mailbox an address delivers to, for finding a returning visitor.

    Lower-case everywhere; a "+tag" is dropped on every domain; Gmail also ignores dots
    in the local part and treats googlemail.com as gmail.com.

    >>> email_key("Jane.Doe+chat@GoogleMail.com")
    'janedoe@gmail.com'
    >>> email_key("jane.doe+chat@acme.io")
    'jane.doe@acme.io'
    """
    local, _, domain = normalize_email(address).rpartition("@")
    tagless = local.split("+", 1)[0]
    if tagless:  # "+x@domain" keeps its local part rather than becoming "@domain"
        local = tagless
    if domain in GMAIL_DOMAINS:
        domain = "gmail.com"
        local = local.replace(".", "") or local
    return f"{local}@{domain}"
