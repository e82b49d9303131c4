"""`make eval`: a readable summary of `rasa test nlu`'s reports (scripts/eval.sh runs both).

    python -m bench.nlu_eval var/eval

Prints intent macro-F1, weighted F1 and accuracy; DIET's entity F1 (macro, micro and per
entity); the ResponseSelector's figures if present; the worst intents and the most frequent
confusions. Writes the same figures to <dir>/summary.json. Judges nothing: it reports.
Exits 1 only if there is no intent report to read (the evaluation did not run).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Keys of an sklearn classification report that are not labels.
AGGREGATES = frozenset({"accuracy", "macro avg", "weighted avg", "micro avg", "samples avg"})
ENTITY_EXTRACTOR = "DIETClassifier"


def _load(path: Path) -> dict[str, Any] | None:
    data = _load_json(path)
    return data if isinstance(data, dict) else None


def _load_list(path: Path) -> list[Any]:
    data = _load_json(path)
    return data if isinstance(data, list) else []


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _labels(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in report.items() if k not in AGGREGATES and isinstance(v, dict)}


def _avg(report: dict[str, Any], key: str) -> float | None:
    block = report.get(key)
    if isinstance(block, dict) and isinstance(block.get("f1-score"), (int, float)):
        return float(block["f1-score"])
    return None


def _micro_f1(report: dict[str, Any]) -> float | None:
    # sklearn writes "micro avg" when some labels are excluded (no_entity), else "accuracy",
    # which then equals micro-F1.
    micro = _avg(report, "micro avg")
    if micro is None and isinstance(report.get("accuracy"), (int, float)):
        micro = float(report["accuracy"])
    return micro


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def intent_summary(report: dict[str, Any]) -> dict[str, Any]:
    labels = _labels(report)
    worst = sorted(labels.items(), key=lambda kv: (kv[1].get("f1-score", 0.0), kv[0]))[:5]
    confusions = sorted(
        (
            (int(count), true, predicted)
            for true, stats in labels.items()
            for predicted, count in (stats.get("confused_with") or {}).items()
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    return {
        "accuracy": report.get("accuracy"),
        "macro_f1": _avg(report, "macro avg"),
        "weighted_f1": _avg(report, "weighted avg"),
        "micro_f1": _micro_f1(report),
        "intents": len(labels),
        "examples": sum(int(stats.get("support", 0)) for stats in labels.values()),
        "worst": [
            {
                "intent": name,
                "f1": stats.get("f1-score"),
                "precision": stats.get("precision"),
                "recall": stats.get("recall"),
                "support": stats.get("support"),
            }
            for name, stats in worst
        ],
        "top_confusions": [
            {"intent": true, "predicted": predicted, "count": count}
            for count, true, predicted in confusions[:10]
        ],
    }


def entity_summary(report: dict[str, Any]) -> dict[str, Any]:
    labels = _labels(report)
    return {
        "macro_f1": _avg(report, "macro avg"),
        "micro_f1": _micro_f1(report),
        "weighted_f1": _avg(report, "weighted avg"),
        "entities": {
            name: {
                "f1": stats.get("f1-score"),
                "precision": stats.get("precision"),
                "recall": stats.get("recall"),
                "support": stats.get("support"),
            }
            for name, stats in sorted(labels.items())
        },
    }


def intent_error_samples(path: Path, limit: int = 8) -> list[dict[str, Any]]:
    samples = []
    for error in _load_list(path):
        prediction = error.get("intent_prediction") or {}
        samples.append(
            {
                "text": error.get("text"),
                "intent": error.get("intent"),
                "predicted": prediction.get("name"),
                "confidence": prediction.get("confidence"),
            }
        )
    samples.sort(key=lambda s: -(s["confidence"] or 0.0))
    return samples[:limit]


def unselected_count(errors_path: Path) -> int:
    """FAQ test questions the selector never saw: the intent classifier gave them another
    intent, and the selector runs only on faq messages (components/response_selection.py)."""
    return sum(
        1
        for error in _load_list(errors_path)
        if not (error.get("intent_response_key_prediction") or {}).get("name")
    )


def summarize(out_dir: Path) -> dict[str, Any] | None:
    intent_report = _load(out_dir / "intent_report.json")
    if intent_report is None:
        return None
    summary: dict[str, Any] = {"intents": intent_summary(intent_report), "entities": {}}
    for path in sorted(out_dir.glob("*_report.json")):
        if path.name in ("intent_report.json", "response_selection_report.json"):
            continue
        report = _load(path)
        if report is not None:
            summary["entities"][path.name.removesuffix("_report.json")] = entity_summary(report)
    selection = _load(out_dir / "response_selection_report.json")
    if selection is not None:
        summary["response_selection"] = intent_summary(selection)
        summary["response_selection"]["not_reached"] = unselected_count(
            out_dir / "response_selection_errors.json"
        )
    summary["intent_errors"] = intent_error_samples(out_dir / "intent_errors.json")
    return summary


def render(summary: dict[str, Any]) -> str:
    out: list[str] = []
    intents = summary["intents"]
    out.append(
        f"Intents ({intents['intents']} intents, {intents['examples']} test examples): "
        f"macro-F1 {_pct(intents['macro_f1'])}  weighted F1 {_pct(intents['weighted_f1'])}  "
        f"accuracy {_pct(intents['accuracy'])}"
    )
    out.append("  worst intents:")
    for row in intents["worst"]:
        out.append(
            f"    {row['intent']:<28} F1 {_pct(row['f1'])}  P {_pct(row['precision'])}  "
            f"R {_pct(row['recall'])}  n={row['support']}"
        )
    out.append("  top confusions (true -> predicted):")
    if not intents["top_confusions"]:
        out.append("    none")
    for row in intents["top_confusions"]:
        out.append(f"    {row['intent']:<24} -> {row['predicted']:<24} x{row['count']}")

    entities: dict[str, dict[str, Any]] = summary["entities"]
    diet = entities.get(ENTITY_EXTRACTOR)
    out.append("")
    if diet is None:
        out.append(f"Entities ({ENTITY_EXTRACTOR}): no report (no entities in the test set?)")
    else:
        out.append(
            f"Entities ({ENTITY_EXTRACTOR}): macro-F1 {_pct(diet['macro_f1'])}  "
            f"micro-F1 {_pct(diet['micro_f1'])}  weighted F1 {_pct(diet['weighted_f1'])}"
        )
        for name, row in diet["entities"].items():
            out.append(
                f"    {name:<28} F1 {_pct(row['f1'])}  P {_pct(row['precision'])}  "
                f"R {_pct(row['recall'])}  n={row['support']}"
            )
    others = {k: v for k, v in entities.items() if k != ENTITY_EXTRACTOR}
    for name, report in others.items():
        out.append(
            f"  {name} (against the same gold labels, for reference): "
            f"micro-F1 {_pct(report['micro_f1'])}  macro-F1 {_pct(report['macro_f1'])}"
        )

    selection = summary.get("response_selection")
    if selection is not None:
        out.append("")
        out.append(
            f"ResponseSelector ({selection['intents']} responses), end to end: macro-F1 "
            f"{_pct(selection['macro_f1'])}  weighted F1 {_pct(selection['weighted_f1'])}  "
            f"accuracy {_pct(selection['accuracy'])}"
        )
        examples = int(selection["examples"])
        reached = examples - int(selection.get("not_reached", 0))
        if reached and selection.get("accuracy") is not None:
            right = round(float(selection["accuracy"]) * examples)
            out.append(
                f"  {examples - reached} of {examples} FAQ questions were classified as another "
                f"intent; of the {reached} classified as faq, {right} got the right answer "
                f"({_pct(right / reached)})"
            )
        for row in selection["worst"][:3]:
            out.append(f"    {row['intent']:<40} F1 {_pct(row['f1'])}  n={row['support']}")

    errors = summary.get("intent_errors") or []
    if errors:
        out.append("")
        out.append("Most confident intent errors:")
        for row in errors:
            confidence = row["confidence"]
            shown = "-" if confidence is None else f"{confidence:.2f}"
            out.append(
                f"    {str(row['text'])[:48]!r:<50} {row['intent']} -> {row['predicted']} ({shown})"
            )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu_eval", description=__doc__)
    parser.add_argument("out_dir", type=Path, help="the --out directory of `rasa test nlu`")
    args = parser.parse_args(argv)
    summary = summarize(args.out_dir)
    if summary is None:
        print(f"nlu_eval: no intent report in {args.out_dir}", file=sys.stderr)
        return 1
    (args.out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
