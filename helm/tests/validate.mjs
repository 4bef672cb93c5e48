// Validates the manifests that `helm template` rendered (files given as arguments, multi-document YAML):
// core objects with the typed models of the npm package kubernetes-models (its validate() checks the OpenAPI
// schema of the Kubernetes API), KEDA and Prometheus Operator objects with checks of our own, and a few rules of
// this chart (credentials only through secretKeyRef, grace period longer than the workers' shutdown wait,
// GPU pool requests nvidia.com/gpu, workers take no inbound traffic). Exit status 1 on any problem.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const MODELS = {
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "v1/Secret": "kubernetes-models/v1/Secret",
  "v1/Service": "kubernetes-models/v1/Service",
  "v1/ServiceAccount": "kubernetes-models/v1/ServiceAccount",
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "apps/v1/StatefulSet": "kubernetes-models/apps/v1/StatefulSet",
  "autoscaling/v2/HorizontalPodAutoscaler": "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
  "policy/v1/PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
  "networking.k8s.io/v1/Ingress": "kubernetes-models/networking.k8s.io/v1/Ingress",
  "networking.k8s.io/v1/NetworkPolicy": "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
};

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkScaledObject(where, o) {
  const spec = o.spec;
  if (!isObject(spec)) return fail(where, "spec missing");
  const known = ["scaleTargetRef", "minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod",
    "idleReplicaCount", "initialCooldownPeriod", "advanced", "fallback", "triggers"];
  for (const k of Object.keys(spec)) if (!known.includes(k)) fail(where, `unknown field spec.${k}`);
  if (!isObject(spec.scaleTargetRef) || typeof spec.scaleTargetRef.name !== "string" || !spec.scaleTargetRef.name)
    fail(where, "spec.scaleTargetRef.name missing");
  for (const k of ["minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod"])
    if (spec[k] !== undefined && !(Number.isInteger(spec[k]) && spec[k] >= 0)) fail(where, `spec.${k} must be an integer >= 0`);
  if (Number.isInteger(spec.minReplicaCount) && Number.isInteger(spec.maxReplicaCount) && spec.minReplicaCount > spec.maxReplicaCount)
    fail(where, "minReplicaCount > maxReplicaCount");
  if (!Array.isArray(spec.triggers) || spec.triggers.length === 0) return fail(where, "spec.triggers empty");
  for (const [i, t] of spec.triggers.entries()) {
    const at = `${where} trigger ${i}`;
    if (t.type !== "postgresql") { fail(at, `unexpected trigger type ${t.type}`); continue; }
    const m = t.metadata;
    if (!isObject(m)) { fail(at, "metadata missing"); continue; }
    for (const [k, v] of Object.entries(m)) if (typeof v !== "string") fail(at, `metadata.${k} must be a string (KEDA metadata is map[string]string)`);
    for (const k of ["host", "port", "dbName", "userName", "sslmode", "query", "targetQueryValue"])
      if (!m[k]) fail(at, `metadata.${k} missing`);
    if (m.password !== undefined || m.connection !== undefined) fail(at, "credentials in metadata: use a TriggerAuthentication");
    if (m.port && !/^[0-9]+$/.test(m.port)) fail(at, `port ${m.port} is not a number`);
    if (!/^SELECT count\(\*\) FROM scheduled_tasks WHERE task_name = '[a-z0-9-]+'$/.test(m.query ?? ""))
      fail(at, `query is not the queue count: ${m.query}`);
    if (m.targetQueryValue && !/^[0-9]+(\.[0-9]+)?$/.test(m.targetQueryValue)) fail(at, "targetQueryValue is not a number");
    if (!isObject(t.authenticationRef) || !t.authenticationRef.name) fail(at, "authenticationRef.name missing");
  }
}

function checkTriggerAuthentication(where, o) {
  const refs = o.spec?.secretTargetRef;
  if (!Array.isArray(refs) || refs.length === 0) return fail(where, "spec.secretTargetRef empty");
  for (const r of refs) for (const k of ["parameter", "name", "key"]) if (!r[k]) fail(where, `secretTargetRef.${k} missing`);
}

function checkServiceMonitor(where, o) {
  const spec = o.spec;
  if (!isObject(spec)) return fail(where, "spec missing");
  if (!isObject(spec.selector) || !isObject(spec.selector.matchLabels)) fail(where, "spec.selector.matchLabels missing");
  if (!Array.isArray(spec.endpoints) || spec.endpoints.length === 0) return fail(where, "spec.endpoints empty");
  for (const e of spec.endpoints) {
    if (!e.port) fail(where, "endpoint without a named port");
    if (e.path !== "/actuator/prometheus") fail(where, `endpoint path ${e.path} is not /actuator/prometheus`);
    for (const k of ["interval", "scrapeTimeout"]) if (e[k] && !/^[0-9]+(ms|s|m|h)$/.test(e[k])) fail(where, `endpoint ${k} ${e[k]}`);
  }
}

function containersOf(o) {
  const spec = o.spec?.template?.spec;
  return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}

function checkChartRules(where, o, all) {
  for (const c of containersOf(o)) {
    for (const e of c.env ?? []) {
      if (/PASSWORD|SECRET_KEY|ACCESS_KEY/.test(e.name) && e.value !== undefined)
        fail(where, `${e.name} has a plain value; credentials must come from a Secret`);
    }
  }
  if (o.kind === "Deployment") {
    const env = Object.fromEntries((containersOf(o)[0]?.env ?? []).map((e) => [e.name, e.value]));
    const pod = o.spec.template.spec;
    for (const p of ["livenessProbe", "readinessProbe"]) {
      const path = containersOf(o)[0]?.[p]?.httpGet?.path;
      if (!["/actuator/health/liveness", "/actuator/health/readiness"].includes(path)) fail(where, `${p} is not a Spring Boot probe: ${path}`);
    }
    if (!containersOf(o)[0]?.resources?.requests) fail(where, "no resource requests");
    if (pod.securityContext?.runAsNonRoot !== true) fail(where, "pod does not set runAsNonRoot");
    if (containersOf(o)[0]?.securityContext?.readOnlyRootFilesystem !== true) fail(where, "root filesystem is writable");
    if (env.MERGE_WORKER_ENABLED === "true") {
      const wait = /^([0-9]+)s$/.exec(env.MERGE_WORKER_SHUTDOWN_MAX_WAIT ?? "");
      if (!wait) fail(where, "worker without MERGE_WORKER_SHUTDOWN_MAX_WAIT in seconds");
      else if (!(pod.terminationGracePeriodSeconds > Number(wait[1])))
        fail(where, `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} is not longer than shutdown-max-wait ${wait[1]}s`);
      if (!/^(cpu|gpu)$/.test(env.MERGE_WORKER_POOLS ?? "")) fail(where, `MERGE_WORKER_POOLS ${env.MERGE_WORKER_POOLS}`);
      if (env.MERGE_WORKER_POOLS === "gpu") {
        const r = containersOf(o)[0].resources;
        if (!r?.limits?.["nvidia.com/gpu"]) fail(where, "GPU worker without an nvidia.com/gpu limit");
        if (!/^(auto|cuda|cuda:[0-9]+)$/.test(env.MERGE_WORKER_DEVICE ?? "")) fail(where, `GPU worker device ${env.MERGE_WORKER_DEVICE}`);
      }
      const labels = pod && o.spec.template.metadata.labels;
      const policies = all.filter((x) => x.kind === "NetworkPolicy" && x.spec?.podSelector?.matchLabels?.["embed-merge.io/role"] === "worker");
      if (all.some((x) => x.kind === "NetworkPolicy") && labels?.["embed-merge.io/role"] !== "worker") fail(where, "worker not covered by the workers' NetworkPolicy");
      for (const np of policies) for (const rule of np.spec.ingress ?? []) if (!rule.from?.length) fail(`NetworkPolicy ${np.metadata.name}`, "lets any peer reach the workers");
    } else if (env.MERGE_WORKER_ENABLED !== "false") fail(where, "MERGE_WORKER_ENABLED not set");
  }
  const pdbs = all.filter((x) => x.kind === "PodDisruptionBudget");
  if ((o.kind === "Deployment") && !pdbs.some((p) => Object.entries(p.spec.selector.matchLabels).every(([k, v]) => o.spec.template.metadata.labels?.[k] === v)))
    fail(where, "no PodDisruptionBudget selects its pods");
  if (o.kind === "ScaledObject" || o.kind === "HorizontalPodAutoscaler") {
    const target = all.find((x) => x.kind === "Deployment" && x.metadata.name === o.spec.scaleTargetRef?.name);
    if (!target) fail(where, `scale target ${o.spec.scaleTargetRef?.name} not rendered`);
    else if (target.spec.replicas !== undefined) fail(where, `scale target ${target.metadata.name} sets spec.replicas (the autoscaler owns it)`);
  }
  if (o.kind === "ScaledObject") {
    const ref = o.spec.triggers?.[0]?.authenticationRef?.name;
    if (ref && !all.some((x) => x.kind === "TriggerAuthentication" && x.metadata.name === ref)) fail(where, `TriggerAuthentication ${ref} not rendered`);
  }
  if (o.kind === "ConfigMap" && o.metadata.name.endsWith("-dashboard")) {
    for (const [k, v] of Object.entries(o.data ?? {})) {
      try {
        const d = JSON.parse(v);
        const exprs = JSON.stringify(d.panels.map((p) => p.targets.map((t) => t.expr)));
        for (const metric of ["merge_queue_depth", "merge_jobs", "merge_job_duration_seconds", "merge_bytes_written_bytes_total", "DCGM_FI_DEV_FB_USED"])
          if (!exprs.includes(metric)) fail(where, `dashboard ${k} has no panel on ${metric}`);
      } catch (e) { fail(where, `dashboard ${k} is not JSON: ${e.message}`); }
    }
  }
}

let count = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) { fail(file, `YAML: ${doc.errors[0].message}`); continue; }
    const o = doc.toJS();
    if (o) objects.push(o);
  }
  const names = new Set();
  for (const o of objects) {
    const where = `${file}: ${o.kind} ${o.metadata?.name}`;
    count++;
    if (!o.apiVersion || !o.kind) { fail(where, "apiVersion or kind missing"); continue; }
    if (!DNS1123.test(o.metadata?.name ?? "") || o.metadata.name.length > 63) fail(where, "name is not a DNS-1123 label");
    const id = `${o.apiVersion}/${o.kind}/${o.metadata?.name}`;
    if (names.has(id)) fail(where, "rendered twice");
    names.add(id);
    const model = MODELS[`${o.apiVersion}/${o.kind}`];
    try {
      if (model) {
        const mod = await import(model);
        new mod[o.kind](o).validate();
      } else if (o.apiVersion === "keda.sh/v1alpha1" && o.kind === "ScaledObject") checkScaledObject(where, o);
      else if (o.apiVersion === "keda.sh/v1alpha1" && o.kind === "TriggerAuthentication") checkTriggerAuthentication(where, o);
      else if (o.apiVersion === "monitoring.coreos.com/v1" && o.kind === "ServiceMonitor") checkServiceMonitor(where, o);
      else fail(where, `no model or check for ${o.apiVersion} ${o.kind}`);
    } catch (e) {
      fail(where, e.message);
    }
    checkChartRules(where, o, objects);
  }
}

if (problems.length) {
  for (const p of problems) console.error(`PROBLEM ${p}`);
  console.error(`${problems.length} problem(s) in ${count} objects`);
  process.exit(1);
}
console.log(`${count} objects valid`);
