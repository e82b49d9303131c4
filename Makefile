# Leadbot's command index. Everything heavy is cached by a hash of its inputs.
.PHONY: run test setup train eval bench lint clean

run:      ## set up what is missing, train if data changed, start the bot
	@scripts/run.sh

test:     ## every check and test (what CI runs)
	@scripts/test.sh

setup:    ## only create the environments
	@scripts/setup.sh

train:    ## only (re)train the model when its inputs changed
	@scripts/setup.sh && scripts/train.sh >/dev/null

eval:     ## NLU F1 on the held-out test set, then 300 simulated visitors (SIM_N, SIM_SEED, SIM_SET)
	@scripts/eval.sh

bench:    ## turn latency and throughput vs stock Rasa and a stripped-down baseline
	@scripts/bench.sh

lint:     ## ruff, mypy, import contract only
	@scripts/setup.sh && .venv/app/bin/ruff check bot actions bench components tests alembic scripts && .venv/app/bin/mypy && .venv/app/bin/lint-imports

clean:    ## remove local state (models, var/); the cache in ~/.cache/leadbot stays
	rm -rf models var .venv
