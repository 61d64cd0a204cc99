# The two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
UV ?= uv

.PHONY: install servers browser prepare run demo compose test lint format typecheck bench token asyncapi

# --compile-bytecode: every process of the platform then loads its libraries from bytecode
# instead of compiling them at start-up (where PYTHONDONTWRITEBYTECODE is set, at every start).
install:  ## Install the locked dependencies of every package (uv workspace)
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet "uv==0.13.9"
	$(UV) sync --all-packages --frozen --compile-bytecode

servers:  ## Make sure PostgreSQL and RabbitMQ answer (start them if needed)
	./scripts/ensure-servers.sh

prepare: install servers  ## Create the five databases and run every migration
	$(UV) run --no-sync python scripts/prepare.py

# supervisord (scripts/supervise.py) runs every process of the Procfile: one that crashes is
# logged and started again while the others go on.
run: prepare  ## Run the whole platform: 5 APIs, 5 workers, 5 relays, the portal (Ctrl-C stops all)
	@echo "membership  http://127.0.0.1:8001/docs   events: http://127.0.0.1:8001/asyncapi"
	@echo "training    http://127.0.0.1:8002/docs   events: http://127.0.0.1:8002/asyncapi"
	@echo "booking     http://127.0.0.1:8003/docs   events: http://127.0.0.1:8003/asyncapi"
	@echo "billing     http://127.0.0.1:8004/docs   events: http://127.0.0.1:8004/asyncapi"
	@echo "portal      http://127.0.0.1:8005/       (development sign-in: pick a role)"
	@echo "exchange    http://127.0.0.1:8006/docs   partner events: http://127.0.0.1:8006/partners/asyncapi"
	@echo "a token:    uv run capmetiers-token staff"
	@echo "move it in time: uv run python scripts/platform-clock.py 2027-02-16 (--reset: back)"
	DEV_CLOCK_FILE=$(CURDIR)/.platform-clock $(UV) run --no-sync python scripts/supervise.py Procfile

# The platform of `make run` must be running (another shell); STRUCTURES=12 for a small year,
# SEED=... for other structures, YEAR=... for another year than the platform's.
demo: install  ## Fill the running platform with a realistic year (a few hundred structures)
	DEV_CLOCK_FILE=$(CURDIR)/.platform-clock $(UV) run --no-sync python scripts/demo.py \
		--structures $(or $(STRUCTURES),300) $(if $(SEED),--seed $(SEED)) $(if $(YEAR),--year $(YEAR))

# Compose v2 (`docker compose`) where it is installed, else the standalone docker-compose.
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)

compose:  ## The whole platform in containers (Docker): image, migrations, then every process
	$(COMPOSE) -p capmetiers -f deploy/compose.yaml up --build

browser:  ## Debian's Chromium for the portal's browser tests (installed if missing)
	./scripts/ensure-browser.sh

test: install servers browser  ## Run every test on the real PostgreSQL and RabbitMQ
	$(UV) run --no-sync pytest

lint: install  ## ruff and mypy, as CI runs them
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy

format:
	$(UV) run --no-sync ruff check --fix .
	$(UV) run --no-sync ruff format .

typecheck:
	$(UV) run --no-sync mypy

asyncapi:  ## Write the AsyncAPI documents of docs/asyncapi from the contracts
	$(UV) run --no-sync python scripts/asyncapi.py

token:  ## make token ROLE=member SIREN=123456782
	$(UV) run --no-sync capmetiers-token $(or $(ROLE),staff) $(if $(SIREN),--siren $(SIREN))

bench: install servers  ## Messaging kit, the training rush, booking, billing, payment to rights, each against a raw baseline
	$(UV) run --no-sync python bench/messaging_bench.py
	$(UV) run --no-sync python bench/enrollment_rush_bench.py
	$(UV) run --no-sync python bench/booking_bench.py
	$(UV) run --no-sync python bench/billing_bench.py
	$(UV) run --no-sync python bench/payment_rights_bench.py
