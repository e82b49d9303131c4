"""`make eval`'s report separates FAQ questions the selector never saw from its own misses."""

from __future__ import annotations

import json
from pathlib import Path

from bench.nlu_eval import render, summarize, unselected_count


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data))


def test_questions_classified_as_another_intent_are_counted_apart(tmp_path: Path) -> None:
    _write(
        tmp_path / "intent_report.json",
        {"faq": {"precision": 1.0, "recall": 0.75, "f1-score": 0.86, "support": 4},
         "accuracy": 0.75,
         "macro avg": {"f1-score": 0.86}, "weighted avg": {"f1-score": 0.86}},
    )  # fmt: skip
    _write(
        tmp_path / "response_selection_report.json",
        {"faq/pricing": {"precision": 1.0, "recall": 0.5, "f1-score": 0.67, "support": 2},
         "faq/setup": {"precision": 0.5, "recall": 0.5, "f1-score": 0.5, "support": 2},
         "accuracy": 0.5,
         "macro avg": {"f1-score": 0.58}, "weighted avg": {"f1-score": 0.58}},
    )  # fmt: skip
    _write(
        tmp_path / "response_selection_errors.json",
        [
            {"text": "what does it cost", "intent_response_key_target": "faq/pricing",
             "intent_response_key_prediction": {"name": "", "confidence": 0.0}},
            {"text": "how to install", "intent_response_key_target": "faq/setup",
             "intent_response_key_prediction": {"name": "faq/pricing", "confidence": 0.7}},
        ],
    )  # fmt: skip

    assert unselected_count(tmp_path / "response_selection_errors.json") == 1
    summary = summarize(tmp_path)
    assert summary is not None
    assert summary["response_selection"]["not_reached"] == 1
    assert "1 of 4 FAQ questions were classified as another intent; of the 3 classified as " \
        "faq, 2 got the right answer" in render(summary)  # fmt: skip


def test_a_missing_errors_file_counts_nothing(tmp_path: Path) -> None:
    assert unselected_count(tmp_path / "absent.json") == 0
