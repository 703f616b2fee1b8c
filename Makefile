# Shortcuts for the commands the README and docs name; each target is one of them.
.PHONY: run test lint local-up local-down migrate bench images deploy-config-check ops-check

IMAGE_PREFIX ?= ghcr.io/lang-agent/lang-agent
# What docker/docker-compose.yml runs by default; CI tags with the commit instead.
IMAGE_TAG ?= latest

run: ## The product on its embedded defaults (README's first command)
	bash scripts/run-local.sh

test: ## The whole suite, as CI runs it (README's second command)
	bash .ci/run

lint: ## Formatting and clippy, as CI checks them
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

local-up: ## PostgreSQL 16 and Redis 7 for development on 127.0.0.1
	docker compose -f docker/docker-compose.local.yml up -d --wait

local-down:
	docker compose -f docker/docker-compose.local.yml down

migrate: ## Pending migrations on DATABASE_URL
	cargo run --locked -p api-server -- migrate

bench: ## The study-loop benchmark; writes docs/performance.md
	bash bench/run.sh

images: ## The three images (IMAGE_TAG=<commit> to tag as CI does)
	for target in api-server notifier bot-poller; do \
		docker build -f docker/Dockerfile --target $$target -t $(IMAGE_PREFIX)/$$target:$(IMAGE_TAG) . || exit 1; \
	done

deploy-config-check: ## Dockerfile and compose files, without a Docker engine
	bash docker/check.sh

ops-check: deploy-config-check ## Everything the deployment is checked by
	bash infra/check.sh
	bash .github/check.sh
	bash scripts/backup-roundtrip.sh
