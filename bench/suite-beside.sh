#!/usr/bin/env bash
# The suite three times in a row (copy A) while a second copy of it runs beside (copy B: .ci/run,
# then the suite again until A is done), each in its own clean clone of HEAD: the check that the
# suite passes on a busy machine (bench/README.md, "The test suite").
#
#   bench/suite-beside.sh [RUNS]      (default 3; logs and a summary in a temp dir it names)
set -uo pipefail
runs=${1:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ims-suite-beside.XXXXXX)
echo "work dir: $work"
git clone -q "$repo" "$work/a" && git clone -q "$repo" "$work/b"
ln -s "$repo/node_modules" "$work/a/node_modules"
suite() { IMS_REQUIRE_PEERS=1 node_modules/.bin/node --test --test-concurrency=2 "test/**/*.test.ts"; }
(
  cd "$work/a"
  for i in $(seq "$runs"); do
    start=$(date +%s)
    suite >"$work/a.$i.log" 2>&1
    echo "A run $i: rc=$? $(($(date +%s) - start)) s, $(uptime | sed 's/.*load/load/')" | tee -a "$work/summary"
  done
  touch "$work/a.done"
) &
(
  cd "$work/b"
  start=$(date +%s)
  CI=true IMS_REQUIRE_PEERS=1 bash .ci/run >"$work/b.ci.log" 2>&1
  echo "B .ci/run: rc=$? $(($(date +%s) - start)) s" | tee -a "$work/summary"
  j=1
  while [ ! -e "$work/a.done" ]; do
    start=$(date +%s)
    suite >"$work/b.$j.log" 2>&1
    echo "B run $j: rc=$? $(($(date +%s) - start)) s" | tee -a "$work/summary"
    j=$((j + 1))
  done
) &
wait
grep -h -E '^ℹ (tests|fail)' "$work"/a.*.log
