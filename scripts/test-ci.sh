#!/usr/bin/env bash
# The README's test command: install the real tools, typecheck, build, run every suite, and close
# with one plain "N passed, N failed" line (CI reads it). Exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh || exit 1
npm run --silent typecheck || exit 1
npm run --silent build || exit 1
results="$(mktemp -d)/vitest.json"
npx vitest run --reporter=default --reporter=json --outputFile="$results"
code=$?
node scripts/test-summary.mjs "$results" || code=1
exit "$code"
