#!/usr/bin/env bash
# Checks the ready-made pipeline steps under examples/ without a cluster: the Argo Workflows objects against the
# Argo schema (examples/tests/validate-argo.mjs: npm package @kubernetes-models/argo-workflows plus checks of our
# own), the request files they send as JSON, and the Airflow DAG and Kubeflow pipeline as Python syntax
# (py_compile: Airflow and KFP themselves are not installed here). ExampleRequestsTest (./mvnw test) checks the
# requests against the OpenAPI description and the service. Needs Node.js and npm; npm's cache is kept in
# ${EMBED_MERGE_TOOLS:-~/.cache/embed-merge-tools}/npm. Exits non-zero on any problem.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${EMBED_MERGE_TOOLS:-$HOME/.cache/embed-merge-tools}"
problems=0
problem() { echo "PROBLEM: $*" >&2; problems=$((problems + 1)); }

(cd examples/tests && npm ci --silent --no-audit --no-fund --prefer-offline --cache "$TOOLS/npm")
node examples/tests/validate-argo.mjs || problem "Argo examples"

for f in examples/requests/*.json; do
  node -e 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))' "$f" || problem "$f is no JSON"
done

if command -v python3 >/dev/null; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  for f in examples/airflow/*.py examples/kubeflow/*.py; do
    PYTHONPYCACHEPREFIX="$out" python3 -m py_compile "$f" || problem "$f does not compile"
  done
else
  echo "python3 missing: the Airflow and Kubeflow examples were not compiled"
fi

if [ "$problems" -gt 0 ]; then echo "check-examples: $problems problem(s)" >&2; exit 1; fi
echo "check-examples: OK"
