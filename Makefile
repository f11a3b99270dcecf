# The two commands a new user needs: `make run` (the demo) and `make test`.
GO        ?= go
BIN       := bin/mfaboard
ADDR      ?= 127.0.0.1:8080
PKGS      := ./...
BENCHTIME ?= 3x

.PHONY: run test build generate assets vet bench clean chromium

run: build
	./$(BIN) serve --demo --addr $(ADDR)

build: generate assets
	$(GO) build -o $(BIN) ./cmd/mfaboard

# templ's generator is pinned in go.mod as a tool; its output is committed and
# CI checks it is current.
generate:
	$(GO) tool templ generate -log-level error

# Front-end packages come from the npm registry at build time, never copied in.
assets:
	@if [ -f static/package.json ]; then \
		(cd static && npm ci --no-audit --no-fund --loglevel=error) && node static/build.mjs; \
	fi

vet: generate
	$(GO) vet $(PKGS)

# The browser journeys (web/e2e) are named first so go test starts them
# first: they are the longest package, and while they run the packages that
# wait on PostgreSQL or on the emulator's throttling fill the other core.
# Named last (./... order), they ran alone for the last half minute.
test: generate assets vet chromium
	$(GO) test -count=1 -timeout 30m ./web/e2e $(PKGS)

# The browser tests (web/e2e) drive Debian's Chromium at /usr/bin/chromium,
# never a downloaded browser. As root this installs it; otherwise it says how.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests …"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else \
		echo "The browser tests need Chromium at /usr/bin/chromium. Install it with: sudo apt-get install chromium (or run: sudo make chromium)" >&2; \
		exit 1; \
	fi

bench: generate
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -benchmem -timeout 60m $(PKGS)

clean:
	rm -rf bin .data/postgres static/node_modules
