"""Pins a conversation to one Rasa server: rendezvous (highest random weight) hashing.

Each server gets a score from a hash of (server, conversation); the highest wins. Adding a
server moves only the conversations it now wins (about 1/n of them); removing one moves
only its own. Rasa 3.6's lock store is not safe across replicas (ARCHITECTURE.md), so one
conversation must always reach the same server.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def _score(node: str, key: str) -> bytes:
    return hashlib.blake2b(f"{node}\x00{key}".encode(), digest_size=8).digest()


def pick(key: str, nodes: Sequence[str]) -> str:
    """The node `key` belongs to; stable for a given set of nodes, in any order."""
    if not nodes:
        raise ValueError("no nodes to pick from")
    return max(nodes, key=lambda node: _score(node, key))
