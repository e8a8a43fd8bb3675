default: test

# What CI runs, from a fresh virtual environment.
ci:
	bash .ci/run

test:
	ruff check .
	mypy
	python -m pytest -q

bench:
	python bench/bench_content.py
	python bench/bench_lookup.py
	python bench/bench_grader.py
	python bench/heldout_report.py
	python bench/bench_store.py
	python bench/bench_slack.py
	python bench/bench_wecom.py
	python bench/lookup_quality.py

# Retrain the learned signal into a temporary file and compare it byte for byte with the shipped one.
retrain-check:
	python bench/train_suspect.py --check

# Every labelled set's verdicts against tests/golden/ (a readable diff when a change moves one); `make golden` rewrites them.
golden:
	python bench/golden.py --write

.PHONY: default ci test bench retrain-check golden
