# Two commands for a new user: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py

# Tests run with DEBUG off like production, but over plain http on the loopback.
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-test-only-secret-key-not-for-production-use-0123456789} \
	DJANGO_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: install syslibs run test worker beat bench lint format migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# dlib is never compiled: dlib-bin is its prebuilt wheel; face_recognition is installed without
# its dependencies because it would otherwise pull the `dlib` source package.
$(STAMP): $(BIN)/python requirements.txt requirements-nodeps.txt
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

install: $(STAMP) syslibs
	@$(BIN)/python scripts/compile_messages.py

syslibs:
	@$(BIN)/python scripts/check_system.py

migrate: install
	$(RUN_ENV) $(MANAGE) migrate --noinput

run: migrate
	$(RUN_ENV) $(MANAGE) demo_setup
	@if [ "$${DJANGO_TRUSTED_PROXIES:-0}" != "0" ]; then \
		echo "Behind $$DJANGO_TRUSTED_PROXIES reverse prox(ies): client addresses for log-in throttling and rate limits come from X-Forwarded-For (DJANGO_TRUSTED_PROXIES)"; \
	elif [ "$${DJANGO_BEHIND_PROXY:-0}" = "1" ]; then \
		echo "Behind a proxy without DJANGO_TRUSTED_PROXIES: every visitor has the proxy's address; set it to the number of proxies (see config.W001 below)"; \
	fi
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:8000

# pytest-xdist: three test processes on two cores (many tests wait on a worker process, a
# browser or a server of their own). PYTEST_WORKERS=0 runs in one process. worksteal: an idle
# process takes queued tests from a busy one.
PYTEST_WORKERS ?= 3
test: install
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

worker: install
	$(RUN_ENV) $(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

beat: install
	$(RUN_ENV) $(BIN)/celery -A config beat --loglevel=INFO

bench: install
	$(RUN_ENV) $(BIN)/python -m benchmarks $(BENCH_ARGS)

# mypy's Django plugin imports config.settings, so it runs with the tests' environment.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/mypy core reports/services.py enforcement/services compliance/services biometrics/services.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var test-artifacts .pytest_cache
