"""Seeded hostile inputs: text, query strings, paths and bodies an attacker (or a broken
client) sends. Deterministic for a seed, so a failure can be replayed."""

from __future__ import annotations

import random
from urllib.parse import quote

# Pieces that broke something somewhere once: encodings, controls, injections, tricks.
ATOMS: tuple[str, ...] = (
    "",
    " ",
    "\x00",
    "\x01\x02\x1b[2J",
    "\x7f\x85\x9f",
    "\r\n",
    "\t",
    "\u202e",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero width, BOM
    "\ufffe\uffff",
    "🙂",
    "👩‍💻",
    "é",
    "ß",
    "İ",
    "Ω",
    "中文",
    "𝕏",
    "'",
    '"',
    "\\",
    "`",
    "' OR '1'='1",
    "'; DROP TABLE leads; --",
    "1; SELECT pg_sleep(5)",
    "%",
    "%00",
    "%25",
    "_",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    '=HYPERLINK("http://evil.example")',
    "../",
    "..%2f",
    "%2e%2e/",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "null",
    "true",
    "-1",
    "0",
    "9" * 40,
    "1e309",
    "NaN",
    "2026-02-30T25:61:00Z",
    "0000-01-01",
    "9999-12-31T23:59:59-23:59",
    "jane.doe@acme.io",
    "a@b",
    "@",
    "x" * 300,
)
SURROGATES = ("%ED%A0%80", "%ED%BF%BF", "%C0%AF", "%FF%FE", "%E2%82", "%F4%90%80%80")
LEAD_PARAMETERS = ("conversation_id", "email", "route", "grade", "since", "limit", "offset")


class Hostile:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self, longest: int = 6) -> str:
        pieces = [self.rng.choice(ATOMS) for _ in range(self.rng.randint(1, longest))]
        if self.rng.random() < 0.03:
            pieces.append(self.rng.choice("xé🙂\x00") * self.rng.randint(1_000, 60_000))
        return "".join(pieces)

    def encoded(self, value: str) -> str:
        """Percent-encoded, sometimes with raw bytes no UTF-8 decoder takes."""
        encoded = quote(value.encode("utf-8", "surrogatepass"), safe="")
        if self.rng.random() < 0.2:
            encoded += self.rng.choice(SURROGATES)
        return encoded

    def query(self) -> str:
        parts = []
        for _ in range(self.rng.randint(0, 4)):
            name = self.rng.choice(LEAD_PARAMETERS) if self.rng.random() < 0.8 else self.text(2)
            parts.append(f"{self.encoded(name)}={self.encoded(self.text())}")
        return "&".join(parts)

    def request(self) -> tuple[str, str, bytes | None, dict[str, str]]:
        """(method, raw path and query, body or None, extra headers)."""
        roll = self.rng.random()
        headers: dict[str, str] = {}
        body: bytes | None = None
        if roll < 0.45:
            path = self.rng.choice(("/api/leads", "/api/leads.csv")) + "?" + self.query()
            method = "GET"
        elif roll < 0.6:
            path = f"/api/leads/{self.encoded(self.text())}"
            method = "GET"
        elif roll < 0.85:
            email = self.text(3) + self.rng.choice(("@", "@acme.io", "%40", "")) + self.text(2)
            method = self.rng.choice(("GET", "DELETE"))
            suffix = "/export" if method == "GET" else ""
            path = f"/api/people/{self.encoded(email)}{suffix}"
            if self.rng.random() < 0.3:
                path += "?" + self.query()
        else:
            method = self.rng.choice(("POST", "PUT", "PATCH", "DELETE", "GET"))
            path = self.rng.choice(("/api/leads", "/api/people/a@b.io", "/api/quarantine"))
            body = self.body()
            headers["Content-Type"] = self.rng.choice(
                ("application/json", "text/plain", "application/x-www-form-urlencoded")
            )
        return method, path, body, headers

    def body(self) -> bytes:
        kinds = (
            lambda: b"{" * self.rng.randint(1, 5000),
            lambda: b'{"email": ' + self.text().encode("utf-8", "surrogatepass") + b"}",
            lambda: b"[" + b"1," * self.rng.randint(1, 1000),
            lambda: bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(1, 512))),
            lambda: b"x" * (1024 * 1024),  # 1 MB
        )
        return self.rng.choice(kinds)()
