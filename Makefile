# jingwen — make dataset | make test | make release VERSION=x.y.z | make bench | make eval | make clean
RAW ?= raw
OUT ?= out
SHELL := /bin/bash

NODE_DEPS := node_modules/.package-lock.json

.PHONY: dataset build test typecheck unit clean deps

# Install the dependencies from the lockfile when they are missing or older than the lockfile: `npm ci`, which
# installs exactly what package-lock.json records. The lockfile is complete (every platform's optional packages
# of @duckdb/node-bindings, @node-rs/jieba and esbuild), so `npm ci` fails only when package.json and the lockfile
# disagree: then it stops here rather than install something else than what is locked.
$(NODE_DEPS): package-lock.json package.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(NODE_DEPS)

## Compile pipeline/ to plain JavaScript in dist/ (esbuild, one file per source file, same tree; ~0.1 s). The
## dataset and the benchmark run the compiled files: under tsx every thread of a run (each worker too) loads a
## TypeScript loader and transforms on import, which cost 0.6-1.0 s of CPU per run on the 50 MB benchmark (#9).
## Rebuilt from scratch every time, so dist/ is never older than the sources; the tests run the sources. Also writes
## dist/lib/jieba.trie, jieba's dictionary as a ready trie that every thread loads instead of building (lib/jieba.ts).
build: $(NODE_DEPS)
	@rm -rf dist
	@node_modules/.bin/esbuild $$(find pipeline -name '*.ts' | sort) --outdir=dist --outbase=pipeline \
	  --platform=node --format=esm --target=node20 --log-level=warning
	@node --input-type=module -e "(await import('./dist/lib/jieba.js')).writeTrie()"

## Build the dataset from RAW into OUT (re-runs only the stages whose input, code or configuration changed).
dataset: build
	node dist/run.js --raw "$(RAW)" --out "$(OUT)" $(ARGS)

## The same dataset built by a distributed run (BullMQ on Redis; README "Several machines"): the coordinator cuts RAW
## into SHARDS shards and enqueues the jobs; workers (`node dist/distributed/work.js --redis URL`, on any machine
## reaching Redis and the shared storage) run them; the published files and the report are byte-identical to
## `make dataset`'s (STAGE_ROWS=1: every stage's rows in OUT/stages too). With REDIS unset it starts a redis-server
## of its own on 127.0.0.1 (a free port) and DIST_WORKERS workers here, and stops them after.
REDIS ?=
DIST_WORKERS ?= $(if $(REDIS),0,2)
SHARDS ?=
BUCKETS ?=
STORE ?=
STAGE_ROWS ?=
.PHONY: dataset-distributed
dataset-distributed: build
	node dist/distributed/coordinate.js --raw "$(RAW)" --out "$(OUT)" --workers "$(DIST_WORKERS)" \
	  $(if $(REDIS),--redis "$(REDIS)") $(if $(SHARDS),--shards "$(SHARDS)") $(if $(BUCKETS),--buckets "$(BUCKETS)") $(if $(STORE),--store "$(STORE)") $(if $(STAGE_ROWS),--stage-rows) $(ARGS)

## Typecheck and run every test.
test: $(NODE_DEPS)
	npx tsc --noEmit -p .
	npx vitest run

## Remove what runs wrote in OUT (documents.*, report/, stages/), only if a run marked OUT (OUT/.jingwen-out) and no
## run holds its lock; never OUT/releases/, never RAW (make clean OUT=raw is refused). pipeline/lib/outdir.ts.
clean: $(NODE_DEPS)
	@npx tsx pipeline/clean.ts --out "$(OUT)" --raw "$(RAW)"

.PHONY: release diff

## Cut a release: builds the dataset, then writes OUT/releases/VERSION/ and OUT/releases/jingwen-VERSION.tar.gz.
## Byte-identical for the same raw files and commit (times from SOURCE_DATE_EPOCH or the last commit).
## CSV_BOM=1 builds documents.csv with a UTF-8 BOM for Excel (the card says whether it has one); ARGS passes the
## release's options (--csv-bom, --workers N, --quiet: `npx tsx pipeline/release/release.ts --help`).
CSV_BOM ?=
release: $(NODE_DEPS)
	npx tsx pipeline/release/release.ts --version "$(VERSION)" --raw "$(RAW)" --out "$(OUT)" $(if $(filter-out 0 no false,$(CSV_BOM)),--csv-bom) $(ARGS)

## Print what changed between two releases in OUT/releases/: make diff A=0.1.0 B=0.2.0
diff: $(NODE_DEPS)
	npx tsx pipeline/release/diff.ts --out "$(OUT)" --a "$(A)" --b "$(B)"

.PHONY: bench

SIZE ?= 50MB
SEED ?= 1
WORKERS ?= 1,2
REPEAT ?= 3
DEDUPE_DOCS ?= 100000
## The WARC row: generated web archives of these sizes streamed through the WARC extractor (out/bench/warc.md).
WARC_SIZES ?= 200MB,400MB
## The Parquet row: a generated Parquet file of this many records through the whole pipeline (out/bench/parquet.md).
PARQUET_ROWS ?= 100000
## The record-file row: generated CSV, JSON and gzipped JSONL files of these sizes read alone from their path (out/bench/records.md).
RECORD_SIZES ?= 50MB,500MB

## Benchmark: generate a corpus of SIZE (cached per SIZE+SEED) in out/bench/corpus/, run the pipeline on it with
## WORKERS workers and the baselines (decoding, native OpenCC), write out/bench/report.{md,json}.
## make bench SIZE=500MB for the memory comparison; BENCH_ARGS=--profile for CPU profiles, --no-dedupe to skip
## the dedupe micro-benchmark (DEDUPE_DOCS synthetic documents).
bench: build
	@command -v opencc >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "bench: installing the native OpenCC CLI (Debian package opencc) for the baseline"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y opencc >/dev/null || echo "bench: apt-get install opencc failed: the native OpenCC row will be skipped"; \
	else echo "bench: the opencc CLI is missing and this is not root: the native OpenCC row will be skipped (apt-get install opencc)"; fi; }
	npx tsx pipeline/bench/run.ts --size "$(SIZE)" --seed "$(SEED)" --workers "$(WORKERS)" --repeat "$(REPEAT)" --dedupe-docs "$(DEDUPE_DOCS)" --out out/bench $(BENCH_ARGS)
	npx tsx pipeline/bench/warc.ts --sizes "$(WARC_SIZES)" --seed "$(SEED)" --out out/bench
	npx tsx pipeline/bench/parquet.ts --rows "$(PARQUET_ROWS)" --seed "$(SEED)" --out out/bench
	npx tsx pipeline/bench/records.ts --sizes "$(RECORD_SIZES)" --seed "$(SEED)" --out out/bench

.PHONY: eval

EVALSET ?= tests/fixtures/eval-real

## Data quality on real third-party pages (issue 21): builds a raw folder from the evaluation set in EVALSET (pages,
## gold texts, hand labels: see its manifest.json), runs the compiled pipeline over it and reports, per family, HTML
## main-text F1, documents per single-article page, titles, dates, boilerplate precision and kept-edge chrome (vs
## gold and on the hand-labelled sample) and personal data left. Writes out/eval/*.json. EVAL_ARGS="--sample 60"
## also writes out/eval/to-label.json (unlabelled removals and edge lines, seeded) for extending the labels.
eval: build
	npx tsx pipeline/eval/run.ts --entry dist --set "$(EVALSET)" --out out/eval $(EVAL_ARGS)
