#!/usr/bin/env bash
# The README's test command: install the real tools, typecheck, build, run every suite with a
# private TMPDIR, and close with one plain "N passed, N failed" line (CI reads it). Exits non-zero
# when anything fails, including a test that leaves something behind in TMPDIR.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh || exit 1
npm run --silent typecheck || exit 1
npm run --silent build || exit 1
# $work holds the JSON report and the run's TMPDIR; both go when the script ends. Some tests run
# tools as other users (postgres, nobody), so $work lets everyone through and its tmp/ is open like /tmp.
work="$(mktemp -d "${TMPDIR:-/tmp}/ubm-test-ci-XXXXXX")" || exit 1
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -m 1777 "$work/tmp"
TMPDIR="$work/tmp" npx vitest run --reporter=default --reporter=json --outputFile="$work/vitest.json"
code=$?
node scripts/test-summary.mjs "$work/vitest.json" --vitest-code "$code" --tmpdir "$work/tmp" || code=1
exit "$code"
