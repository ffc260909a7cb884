# Onramp — see README.md. `make run` serves the product on the embedded
# emulator; `make test` runs every check and test, browser tests included.
GO        ?= go
BIN       := bin/onramp
PKGS      := ./...
FUZZTIME  ?= 60s
SHARED    ?= ../shared

.PHONY: run build generate catalog check-generated lint vet test unit e2e e2e-setup bench loadtest fuzz cover docker clean

run: ## serve Onramp on the embedded Stitch emulator (http://127.0.0.1:8080)
	$(GO) run .

build: ## build the binary into bin/onramp
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) .

# Each file is generated explicitly: templ's directory walk skips trees
# whose absolute path has a hidden directory (e.g. a clone in ~/.cache/…).
TEMPL_FILES = $(shell find . -name '*.templ' -not -path './e2e/tools/*' -not -path './.git/*')

generate: ## regenerate templ code
	@for f in $(TEMPL_FILES); do $(GO) tool templ generate -log-level warn -f $$f || exit 1; done

check-generated: generate ## fail when generated templ code or the emulator's generated catalog is out of date
	@git diff --exit-code -- '*_templ.go' || { echo "generated templ code is out of date: run 'make generate' and commit"; exit 1; }
	@untracked=$$(git ls-files --others --exclude-standard -- '*_templ.go'); \
	  if [ -n "$$untracked" ]; then echo "uncommitted generated files: $$untracked"; exit 1; fi
	@test -d $(SHARED)/stitch-connect || { echo "$(SHARED)/stitch-connect not found: the emulator catalog is generated from the shared API reference beside the checkout"; exit 1; }
	$(GO) run ./emulator/internal/gencatalog -shared $(SHARED)/stitch-connect -catalog emulator/catalog -check

catalog: ## regenerate the emulator's catalog/generated from ../shared/stitch-connect/sources.json
	$(GO) run ./emulator/internal/gencatalog -shared $(SHARED)/stitch-connect -catalog emulator/catalog

lint: ## gofmt check and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

vet: lint

unit: e2e-setup ## unit and integration tests with the race detector (no browser; needs redis-server, which e2e-setup installs)
	@test -d $(SHARED)/stitch-connect || { echo "$(SHARED)/stitch-connect not found: the tests read the shared API reference beside the checkout"; exit 1; }
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /e2e)
	@echo "every benchmark once (a benchmark whose page changed fails here, not in make bench)"
	@out=$$($(GO) test -count=1 -run='^$$' -bench=. -benchtime=1x $$($(GO) list ./... | grep -v /e2e) 2>&1) || { echo "$$out"; exit 1; }

e2e-setup: ## install Chromium, redis-server, the Playwright driver and axe-core when missing (idempotent)
	./scripts/e2e-setup.sh >/dev/null

e2e: ## browser tests (playwright-go + Debian Chromium + axe-core)
	eval "$$(./scripts/e2e-setup.sh)" && $(GO) test -count=1 -timeout 15m ./e2e/...

test: check-generated lint unit e2e ## everything CI runs

bench: ## benchmarks (forms, views, whole requests through the router)
	$(GO) test -run='^$$' -bench=. -benchmem ./forms/ ./views/ ./app/

loadtest: ## the form page against Echo's hello world under wrk, same run (installs wrk when missing; ROUNDS, DURATION, CONNS, PAGE, GZIP=1)
	GO=$(GO) ./scripts/loadtest.sh

fuzz: ## each fuzz target for FUZZTIME (default 60s)
	$(GO) test -run='^$$' -fuzz='^FuzzBuild$$' -fuzztime=$(FUZZTIME) ./forms/
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZTIME) ./forms/
	$(GO) test -run='^$$' -fuzz='^FuzzRenderForm$$' -fuzztime=$(FUZZTIME) ./views/

cover: ## coverage per package
	$(GO) test -cover $$($(GO) list ./... | grep -v /e2e)

docker: ## build the container image (needs a Docker engine)
	docker build -t onramp:latest .

clean:
	rm -rf bin .pwdriver e2e/screenshots
