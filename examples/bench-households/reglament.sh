#!/usr/bin/env bash
# The households benchmark's command for reglament (../../../shared/bench-households):
#
#   examples/bench-households/reglament.sh PERSONS.csv HOUSEHOLDS.csv OUT.csv [K]
#
# writes the output CSV of RULES.md for the two tables (or for their first K households,
# on one core, each also explained) and prints a `bench …` timing line on stderr.
# Builds the release binary if missing; set REGLAMENT to use another binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${REGLAMENT:-$root/target/release/reglament}"
if [ ! -x "$bin" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
fi
persons=$1 households=$2 out=$3
explain=()
if [ $# -ge 4 ]; then
  # The first K households and their members, decided one at a time.
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
  head -n $(($4 + 1)) "$households" > "$dir/households.csv"
  awk -F, 'NR == FNR { if (FNR > 1) keep[$1] = 1; next } FNR == 1 || ($2 in keep)' \
    "$dir/households.csv" "$persons" > "$dir/persons.csv"
  households="$dir/households.csv" persons="$dir/persons.csv"
  export RAYON_NUM_THREADS=1
  # Each household also explained: its decision tree is built and written, to /dev/null.
  explain=(--explain /dev/null)
fi
exec "$bin" evaluate template_month --regulations "$here/rules.rgl" \
  --groups "$households" --persons "$persons" \
  --group-id household_id --person-id person_id --person-group household_id \
  --columns household_id,household_income,parenting_allowance,total_benefits,housing_tax,total_taxes,disposable_income,meal_price,swimming_pool_access \
  --as-of 2024-01-01 --out "$out" --timings "${explain[@]}"
