"""The facts a visitor gives us, normalized.

These value objects are the common language between the normalizers (bot.extract), the
rubric (bot.scoring), the lead store (bot.leads) and the Rasa actions, which keep them in
slots as plain dicts (`to_slot` / `from_slot`). Every fact keeps `raw`: the visitor's own
words, shown to reps as evidence for the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal

BudgetStatus = Literal["amount", "none", "unknown"]
Period = Literal["year", "month", "one_time"]
TimelineStatus = Literal["date", "none", "unknown"]
AuthorityLevel = Literal["decision_maker", "influencer", "none", "unknown"]
NeedLevel = Literal["concrete", "vague", "none", "unknown"]
EmailStatus = Literal["ok", "free", "disposable", "invalid"]


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Budget:
    """What the visitor can spend.

    status "amount": `amount` is the said figure (the low end of a range, never a
    midpoint we made up) and `amount_max` the high end of a range. "none": the visitor
    has no budget (amount 0). "unknown": not sure / rather not say (amount None).
    `period` None means the visitor did not say; the rubric treats that as a yearly
    or one-off total.
    """

    raw: str
    status: BudgetStatus
    amount: Decimal | None = None
    amount_max: Decimal | None = None
    currency: str | None = None
    period: Period | None = None

    def to_slot(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("amount", "amount_max"):
            if data[key] is not None:
                data[key] = float(data[key])
        return data

    @classmethod
    def from_slot(cls, data: Mapping[str, Any]) -> Budget:
        return cls(
            raw=str(data.get("raw", "")),
            status=data.get("status", "unknown"),
            amount=_dec(data.get("amount")),
            amount_max=_dec(data.get("amount_max")),
            currency=data.get("currency"),
            period=data.get("period"),
        )


@dataclass(frozen=True)
class Timeline:
    """When the visitor wants a solution in place.

    status "date": `months` from today (0 for ASAP / now; fractional allowed).
    "none": no plans. "unknown": not sure.
    """

    raw: str
    status: TimelineStatus
    months: float | None = None

    def to_slot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, data: Mapping[str, Any]) -> Timeline:
        months = data.get("months")
        return cls(
            raw=str(data.get("raw", "")),
            status=data.get("status", "unknown"),
            months=None if months is None else float(months),
        )


@dataclass(frozen=True)
class Authority:
    """Whether the visitor decides on the purchase, and the role they said."""

    raw: str
    level: AuthorityLevel
    decision_maker: bool | None = None
    role: str | None = None

    def to_slot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, data: Mapping[str, Any]) -> Authority:
        return cls(
            raw=str(data.get("raw", "")),
            level=data.get("level", "unknown"),
            decision_maker=data.get("decision_maker"),
            role=data.get("role"),
        )


@dataclass(frozen=True)
class Need:
    """The problem the visitor wants solved; `summary` is a short cleaned-up form."""

    raw: str
    level: NeedLevel
    summary: str | None = None

    def to_slot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, data: Mapping[str, Any]) -> Need:
        return cls(
            raw=str(data.get("raw", "")),
            level=data.get("level", "unknown"),
            summary=data.get("summary"),
        )


@dataclass(frozen=True)
class EmailCheck:
    """An email address as typed, and what we concluded about it.

    "free": a valid address at a free-mail provider (kept, flagged for reps).
    "disposable": a throw-away domain (refused with a friendly re-ask).
    """

    raw: str
    status: EmailStatus
    normalized: str | None = None
    domain: str | None = None
    reason: str | None = None

    @property
    def acceptable(self) -> bool:
        return self.status in ("ok", "free")

    def to_slot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, data: Mapping[str, Any]) -> EmailCheck:
        return cls(
            raw=str(data.get("raw", "")),
            status=data.get("status", "invalid"),
            normalized=data.get("normalized"),
            domain=data.get("domain"),
            reason=data.get("reason"),
        )
