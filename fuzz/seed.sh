#!/usr/bin/env bash
# Builds the fuzzing corpora in fuzz/corpus/TARGET from the library, the examples, the test
# inputs and the reproductions kept in fuzz/seeds/TARGET. Then, for an hour per target:
#   cd fuzz && cargo +nightly fuzz run -O TARGET corpus/TARGET -- -max_total_time=3600
set -euo pipefail
cd "$(dirname "$0")/.."
copy() { # target, files…
  local target=$1; shift
  mkdir -p "fuzz/corpus/$target"
  for f in "$@"; do cp "$f" "fuzz/corpus/$target/$(echo "$f" | tr '/' '_')"; done
}
copy rgl $(find regulations examples tests/check tests/decisions tests/columnar tests/suite -name '*.rgl') fuzz/seeds/rgl/*
copy profile examples/profiles/* tests/simulate/*.yaml tests/simulate/*.json tests/simulate/bad/* fuzz/seeds/profile/*
copy test_file $(find regulations examples tests/suite tests/suite-bad -name '*.test.yaml') fuzz/seeds/test_file/*
# The csv target reads rows without their header.
mkdir -p fuzz/corpus/csv
for f in tests/bench/*.csv; do tail -n +2 "$f" > "fuzz/corpus/csv/$(basename "$f")"; done
copy csv fuzz/seeds/csv/*
copy jsonl tests/simulate/batch/population.jsonl fuzz/seeds/jsonl/*
