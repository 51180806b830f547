#!/usr/bin/env bash
# Regenerates samples/sample-day.jsonl (and its copy in the Replay resources, which the API and the tests replay) from the built-in simulators.
# Usage: scripts/record-sample-day.sh [YYYY-MM-DD]   (a past trading day; default 2026-12-01)
set -euo pipefail
cd "$(dirname "$0")/.."
day="${1:-2026-12-01}"
swift build --product sokbo
.build/debug/sokbo record sample --day "$day" --per-minute 2 --seed 7 --out samples/sample-day.jsonl
cp samples/sample-day.jsonl Sources/Replay/Resources/sample-day.jsonl
echo "wrote samples/sample-day.jsonl"
