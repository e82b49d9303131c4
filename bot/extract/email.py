"""Email answers -> `EmailCheck`.

The visitor types the address inside a sentence ("sure, it's Jane.Doe@Acme.io thanks").
We pull the address out, let email-validator judge the syntax (never its DNS deliverability
check: the network may be closed and a chat reply must not wait on DNS), and sort the domain
with two operator-editable lists in data/: free-mail providers (kept, flagged "free") and
throw-away inboxes (refused, "disposable").

`normalized` is email-validator's normalized form (IDNA-decoded domain, Unicode NFC)
lower-cased as a whole, local part included. RFC 5321 allows case-sensitive local parts,
but no mainstream mail server uses them, and leads are deduplicated by this value:
"Jane.Doe@Acme.io" and "jane.doe@acme.io" must be one lead.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from email_validator import EmailNotValidError, validate_email

from bot.facts import EmailCheck, EmailStatus

# Reserved for documentation (RFC 2606): never a real visitor's address.
PLACEHOLDER_DOMAINS = frozenset({"example.com", "example.org", "example.net", "example.edu"})
# Country endings under a brand: yahoo.co.uk, hotmail.com.br, outlook.com.au, ...
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ne", "or", "ac"})

# Each pattern starts only where a run of its first characters starts (the lookbehinds):
# tried from every position of a long run, they were quadratic; this way they are linear.
_CANDIDATE = re.compile(
    r"(?<![^\s<>()\[\]{},;:\"'`])[^\s<>()\[\]{},;:\"'`]+@[^\s<>()\[\]{},;:\"'`]+"
)
_OBFUSCATED_AT = re.compile(r"(?<!\s)\s*[\[(]\s*at\s*[\])]\s*", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(r"(?<!\s)\s*[\[(]\s*dot\s*[\])]\s*", re.IGNORECASE)
_EDGE_PUNCT = ".!?…-_*~"
# "jane at acme dot io", "jane dot doe at acme dot io": only read when there is no "@" at
# all. A host followed by another " at <host>" was the local part ("drop me a line at omar
# dot haddad at clinic dot ae"), so the address starts later.
_SPELLED = re.compile(
    r"(?<![\w.+-])(?P<local>[\w.+-]{1,64}(?:\s+dot\s+[\w.+-]{1,64}){0,4})"
    r"\s+at\s+(?P<host>[\w-]{1,63}(?:\s+dot\s+[\w-]{1,63}){1,6})"
    r"(?![\w-]|\s+at\s+[\w-]{1,63}\s+dot\s)",
    re.IGNORECASE,
)


def _read_list(name: str) -> frozenset[str]:
    text = resources.files("bot.extract").joinpath(f"data/{name}").read_text("utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line)


@lru_cache(maxsize=1)
def free_domains() -> frozenset[str]:
    """data/free_email_domains.txt, read once."""
    return _read_list("free_email_domains.txt")


@lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    """data/disposable_email_domains.txt, read once."""
    return _read_list("disposable_email_domains.txt")


def _parents(domain: str) -> list[str]:
    """acme.mail.example.com -> itself, mail.example.com, example.com (not the TLD)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def is_disposable(domain: str) -> bool:
    return any(d in disposable_domains() for d in _parents(domain))


def is_free(domain: str) -> bool:
    if domain in free_domains():
        return True
    labels = domain.split(".")
    brand_rule = f"{labels[0]}.*"
    if brand_rule not in free_domains():
        return False
    suffix = labels[1:]
    return len(suffix) == 1 or (
        len(suffix) == 2 and suffix[0] in _SECOND_LEVEL and len(suffix[1]) == 2
    )


def address_spans(text: str) -> list[tuple[int, int]]:
    """Where addresses are written in `text`, plain or spelled out ("ana at x dot io")."""
    spans = [m.span() for m in _CANDIDATE.finditer(text)]
    spans += [m.span() for m in _SPELLED.finditer(text)]
    return spans


def find_address(text: str) -> str | None:
    """The first thing in `text` shaped like an address, trimmed of sentence punctuation."""
    text = _OBFUSCATED_DOT.sub(".", _OBFUSCATED_AT.sub("@", text))
    if "@" not in text and (spelled := _SPELLED.search(text)):
        host = re.sub(r"\s+dot\s+", ".", spelled.group("host"), flags=re.IGNORECASE)
        local = re.sub(r"\s+dot\s+", ".", spelled.group("local"), flags=re.IGNORECASE)
        text = f"{local}@{host}"
    m = _CANDIDATE.search(text)
    if not m:
        return None
    candidate = m.group(0).strip(_EDGE_PUNCT)
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:]
    return candidate


def check_email(text: str) -> EmailCheck:
    """Find and judge the email address in a chat answer."""
    raw = text.strip()
    address = find_address(raw)
    if address is None:
        return EmailCheck(
            raw=raw,
            status="invalid",
            reason="There is no email address in this (it should look like name@company.com).",
        )
    try:
        valid = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return EmailCheck(raw=raw, status="invalid", reason=str(exc))
    domain = valid.domain.lower()
    ascii_domain = valid.ascii_domain.lower()
    normalized = valid.normalized.lower()
    if ascii_domain in PLACEHOLDER_DOMAINS:
        return EmailCheck(
            raw=raw,
            status="invalid",
            normalized=normalized,
            domain=domain,
            reason=f"{domain} is a placeholder domain, not a real mailbox.",
        )
    if is_disposable(ascii_domain):
        return EmailCheck(
            raw=raw,
            status="disposable",
            normalized=normalized,
            domain=domain,
            reason=f"{domain} is a throw-away inbox service.",
        )
    status: EmailStatus = "free" if is_free(ascii_domain) else "ok"
    return EmailCheck(raw=raw, status=status, normalized=normalized, domain=domain)
