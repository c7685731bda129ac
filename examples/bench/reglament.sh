#!/usr/bin/env bash
# The shared peer benchmark's command for reglament (../../../shared/bench/README.md):
#
#   examples/bench/reglament.sh IN.csv OUT.csv [K]
#
# writes the output CSV of RULES.md for IN.csv (or its first K rows, one case at a time,
# each also explained: its decision tree is built and written, to /dev/null) and prints
# the `bench …` timing line on stderr. Builds the release binary if missing;
# set REGLAMENT to use another binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${REGLAMENT:-$root/target/release/reglament}"
if [ ! -x "$bin" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
fi
columns=person_id,household_size,income_per_member,pension_eligible,child_allowance_eligible,child_allowance_amount,second_child_payment,survivor_benefit,disability_extension,total_benefits,any_service_eligible
single=()
if [ $# -ge 3 ]; then
  single=(--single-cases "$3" --explain /dev/null)
fi
exec "$bin" evaluate benefits --regulations "$here/rules.rgl" --in "$1" --out "$2" \
  --columns "$columns" --as-of 2024-01-01 --timings "${single[@]}"
