# jingwen — make dataset | make test | make release VERSION=x.y.z | make bench | make eval | make clean
RAW ?= raw
OUT ?= out
SHELL := /bin/bash

NODE_DEPS := node_modules/.package-lock.json

.PHONY: dataset test typecheck unit clean deps

# Install the dependencies from the lockfile when they are missing or older than the lockfile.
$(NODE_DEPS): package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

deps: $(NODE_DEPS)

## Build the dataset from RAW into OUT (re-runs only the stages whose input, code or configuration changed).
dataset: $(NODE_DEPS)
	npx tsx pipeline/run.ts --raw "$(RAW)" --out "$(OUT)" $(ARGS)

## Typecheck and run every test.
test: $(NODE_DEPS)
	npx tsc --noEmit -p .
	npx vitest run

clean:
	rm -rf "$(OUT)"/* "$(OUT)"/.lock
	touch "$(OUT)/.gitkeep"
