"""`rasa data validate --fail-on-warnings`, aware of the responses our actions send.

Rasa's validator warns about every response no story or rule mentions, but form questions
(utter_ask_<slot>) and what actions send (utter_why_<slot>, utter_lead_<route>, ...) never
appear in stories. We count a response as used when the actions' source names it, literally
or through an f-string stem like f"utter_why_{slot}", and keep every other check strict.
Runs in the rasa environment: reads the action sources as text, imports none of them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "actions").glob("*.py")), ROOT / "bot" / "qualification.py"]


def names_in_code() -> tuple[set[str], tuple[str, ...]]:
    literal: set[str] = set()
    stems: set[str] = {"utter_ask_"}  # the form asks with utter_ask_<slot>
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        literal |= set(re.findall(r"[\"'](utter_[a-z0-9_]+)[\"']", text))
        stems |= set(re.findall(r"f[\"'](utter_[a-z0-9_]*)\{", text))
    return literal, tuple(sorted(stems))


def main() -> None:
    import warnings

    from rasa.__main__ import main as rasa_main
    from rasa.validator import Validator

    literal, stems = names_in_code()
    unused = re.compile(r"The utterance '(utter_[^']+)' is not used in any story or rule")
    check = Validator.verify_utterances_in_stories

    def verify_utterances(self: Validator, ignore_warnings: bool = True) -> bool:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = check(self, ignore_warnings)
        remaining = 0
        for warning in caught:
            match = unused.search(str(warning.message))
            if match and (match[1] in literal or match[1].startswith(stems)):
                continue  # sent by an action: used, just not in a story
            remaining += 1
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
        return result or (remaining == 0 and ignore_warnings is False)

    Validator.verify_utterances_in_stories = verify_utterances  # type: ignore[method-assign]
    sys.argv = ["rasa", "data", "validate", "--fail-on-warnings", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
