"""sequences.yml: the shipped file loads; mistakes are refused at load with file, line, key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.configfile import ConfigError
from bot.nurture.sequences import load_sequences
from bot.settings import ROOT

SHIPPED = ROOT / "sequences.yml"


def test_the_shipped_file_has_the_five_sequences_with_the_seed_rhythm() -> None:
    book = load_sequences(SHIPPED)
    picks = {s.picked_when: s.name for s in book.sequences.values()}
    assert picks == {
        ("weakest", "budget"): "pricing_and_roi",
        ("weakest", "authority"): "decision_maker_brief",
        ("weakest", "need"): "getting_started_guide",
        ("weakest", "timeline"): "later_timeline",
        ("route", "handoff"): "book_when_ready",
    }
    roi = book.get("pricing_and_roi")
    assert [(s.key, s.after.days) for s in roi.steps] == [
        ("welcome", 0), ("reminder", 2), ("value", 7), ("check_in", 14), ("closure", 21),
    ]  # fmt: skip
    assert roi.steps[0].window.always
    # far timeline: a slower cadence than the others
    slow = book.get("later_timeline")
    assert sum(s.after.days for s in slow.steps) > sum(s.after.days for s in roi.steps)


def test_pick_by_weakest_criterion_and_by_route() -> None:
    book = load_sequences(SHIPPED)
    assert book.pick(route="nurture", weakest="authority").name == "decision_maker_brief"
    assert book.pick(route="handoff", weakest="budget").name == "book_when_ready"
    assert book.booking_link("https://bot.example.com") == "https://bot.example.com/book"


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text()
    assert old in text
    path = tmp_path / "sequences.yml"
    path.write_text(text.replace(old, new, 1))
    return path


def _without_book_when_ready(tmp_path: Path) -> Path:
    text = SHIPPED.read_text()
    path = tmp_path / "sequences.yml"
    path.write_text(text[: text.index("  # --- handoff without a booking")])
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_a_template_with_an_unknown_field_fails_at_load_naming_the_line(tmp_path: Path) -> None:
    path = _with(tmp_path, "Thanks for chatting with us", "Thanks {{ lead.favourite_colour }}")
    with pytest.raises(ConfigError) as caught:
        load_sequences(path)
    error = caught.value
    assert error.key_path == "sequences.pricing_and_roi.steps[0].text"
    assert "lead.favourite_colour" in error.message
    assert error.line == _line_of(path, "text: |")


def test_an_unknown_top_level_name_fails(tmp_path: Path) -> None:
    path = _with(tmp_path, "{{ sender_name }}", "{{ sender }}")
    with pytest.raises(ConfigError, match="unknown field 'sender'"):
        load_sequences(path)


def test_a_breakdown_loop_may_read_known_row_fields_only(tmp_path: Path) -> None:
    good = _with(
        tmp_path, "{{ sender_name }}", "{% for row in lead.breakdown %}{{ row.label }}{% endfor %}"
    )
    load_sequences(good)
    bad = _with(
        tmp_path, "{{ sender_name }}", "{% for row in lead.breakdown %}{{ row.colour }}{% endfor %}"
    )
    with pytest.raises(ConfigError, match="unknown breakdown field 'colour'"):
        load_sequences(bad)


def test_template_syntax_errors_fail_at_load(tmp_path: Path) -> None:
    path = _with(tmp_path, "{{ sender_name }}", "{{ sender_name ")
    with pytest.raises(ConfigError, match="template error"):
        load_sequences(path)


def test_every_email_must_offer_the_booking_link(tmp_path: Path) -> None:
    path = _with(
        tmp_path,
        "When the numbers make sense for you, pick a time that suits you: {{ booking_url }}",
        "Bye.",
    )
    with pytest.raises(ConfigError, match="booking link"):
        load_sequences(path)


def test_unknown_window_duplicate_key_bad_delay_and_missing_pick(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown window 'lunchtime'"):
        load_sequences(_with(tmp_path, "window: business_hours", "window: lunchtime"))
    with pytest.raises(ConfigError, match="used twice"):
        load_sequences(_with(tmp_path, "key: reminder", "key: welcome"))
    with pytest.raises(ConfigError) as caught:
        load_sequences(_with(tmp_path, "after: 2d", "after: 2 days"))
    assert caught.value.key_path.endswith("steps[1].after")
    with pytest.raises(ConfigError, match="weakest need already picks sequence 'pricing_and_roi'"):
        load_sequences(
            _with(tmp_path, "picked_when: {weakest: budget}", "picked_when: {weakest: need}")
        )
    with pytest.raises(ConfigError, match="no sequence is picked when route handoff"):
        load_sequences(_without_book_when_ready(tmp_path))
    with pytest.raises(ConfigError, match="unknown time zone"):
        load_sequences(_with(tmp_path, "default_time_zone: UTC", "default_time_zone: Mars/Olympus"))
    with pytest.raises(ConfigError, match="must be before"):
        load_sequences(_with(tmp_path, "hours: [9, 17]", "hours: [17, 9]"))
