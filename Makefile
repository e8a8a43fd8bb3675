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

.PHONY: default ci test bench
