#!/usr/bin/env bash
# Lints openapi/openapi.yaml with the rules of redocly.yaml; fails on any error or warning (redocly itself exits 0
# on warnings). Needs Node.js (npx). The version is pinned so that CI and developers see the same rules.
set -euo pipefail
cd "$(dirname "$0")/.."
REDOCLY="@redocly/cli@2.77.0"

npx --yes "$REDOCLY" lint --format=stylish openapi/openapi.yaml
npx --yes "$REDOCLY" lint --format=json openapi/openapi.yaml 2>/dev/null | node -e '
  let text = "";
  process.stdin.on("data", chunk => text += chunk).on("end", () => {
    const totals = JSON.parse(text).totals;
    if (totals.errors + totals.warnings > 0) {
      console.error(`openapi/openapi.yaml: ${totals.errors} errors, ${totals.warnings} warnings`);
      process.exit(1);
    }
  });'
