// Validates the Argo Workflows examples (files given as arguments, default ../argo/*.yaml): each object against the
// Argo Workflows schema of the npm package @kubernetes-models/argo-workflows (validate()), plus what that schema
// leaves open: unknown fields (read from the package's typings, since Argo ignores misspelt fields), references
// between templates (template, templateRef), the inputs each call passes and each template declares,
// {{inputs.parameters.*}} and {{tasks.*.outputs.parameters.*}} references, and the request files the steps
// read (examples/requests). Exit status 1 on any problem.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { Workflow } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/Workflow";
import { WorkflowTemplate } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/WorkflowTemplate";

const here = dirname(fileURLToPath(import.meta.url));
const examples = resolve(here, "..");
const modules = join(here, "node_modules");
const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// ---- unknown fields, from the typings: "name"?: Type; with Type an imported interface, Array<...> or a map
const typings = new Map();
function typing(file) {
  if (typings.has(file)) return typings.get(file);
  const text = readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) {
    const target = m[2].startsWith(".") ? resolve(dirname(file), m[2].replace(/\.js$/, ".d.ts"))
      : join(modules, m[2] + ".d.ts");
    imports.set(m[1], target);
  }
  const body = text.slice(text.indexOf("export interface"));
  const props = new Map();
  for (const m of body.matchAll(/^ {4}"([^"]+)"\??: (\{\n[^]*?\n {4}\}|.+);$/gm)) {
    const type = m[2].replace(/\s+/g, " ");
    const element = type.match(/^Array<(\w+)>$/)?.[1] ?? type.match(/^\{ \[key: string\]: (\w+);? \}$/)?.[1] ?? type;
    props.set(m[1], { file: imports.get(element), each: element !== type });
  }
  const t = { props, open: props.size === 0 };
  typings.set(file, t);
  return t;
}
function unknownFields(where, value, file) {
  if (!file || !existsSync(file)) return;
  const t = typing(file);
  if (t.open || !isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const p = t.props.get(key);
    if (!p) { fail(where, `unknown field ${key}`); continue; }
    if (!p.file) continue;
    const items = p.each ? (Array.isArray(v) ? v : Object.values(v ?? {})) : [v];
    items.forEach((item, i) => unknownFields(`${where}.${key}${p.each ? `[${i}]` : ""}`, item, p.file));
  }
}
const typesDir = join(modules, "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1");

// ---- the objects
const files = process.argv.length > 2 ? process.argv.slice(2)
  : readdirSync(join(examples, "argo")).filter((f) => f.endsWith(".yaml")).map((f) => join(examples, "argo", f));
const objects = [];
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) { fail(file, doc.errors.join("; ")); continue; }
    const o = doc.toJS();
    if (o) objects.push({ where: `${file.replace(examples + "/", "")} ${o.kind}`, o });
  }
}
const requests = new Set(readdirSync(join(examples, "requests")));
const templatesOf = new Map(); // WorkflowTemplate name -> Map(template name -> template)
for (const { o } of objects) {
  if (o.kind === "WorkflowTemplate") templatesOf.set(o.metadata?.name, new Map(o.spec.templates.map((t) => [t.name, t])));
}

for (const { where, o } of objects) {
  const Model = { Workflow, WorkflowTemplate }[o.kind];
  if (!Model) { fail(where, `unexpected kind ${o.kind}`); continue; }
  try { new Model(o).validate(); } catch (e) { fail(where, `schema: ${e.message}`); }
  unknownFields(where, o, join(typesDir, `${o.kind}.d.ts`));

  const local = new Map(o.spec.templates.map((t) => [t.name, t]));
  const globals = new Set((o.spec.arguments?.parameters ?? []).map((p) => p.name));
  if (!local.has(o.spec.entrypoint)) fail(where, `entrypoint ${o.spec.entrypoint} is no template`);
  const entry = local.get(o.spec.entrypoint);
  for (const p of entry?.inputs?.parameters ?? []) {
    if (!globals.has(p.name) && p.value === undefined) fail(where, `entrypoint input ${p.name} is no workflow argument`);
  }
  const json = JSON.stringify(o);
  for (const m of json.matchAll(/\{\{workflow\.parameters\.([\w-]+)\}\}/g)) {
    // templates reached through templateRef read the calling workflow's arguments: both define them
    if (!globals.has(m[1])) fail(where, `workflow.parameters.${m[1]} is no workflow argument`);
  }

  for (const t of o.spec.templates) {
    const at = `${where} template ${t.name}`;
    const inputs = new Set((t.inputs?.parameters ?? []).map((p) => p.name));
    for (const m of JSON.stringify(t).matchAll(/\{\{inputs\.parameters\.([\w-]+)\}\}/g)) {
      if (!inputs.has(m[1])) fail(at, `uses undeclared input ${m[1]}`);
    }
    const outputs = (t.outputs?.parameters ?? []);
    for (const p of outputs) {
      if (!p.valueFrom?.path && !p.valueFrom?.parameter) fail(at, `output ${p.name} has no valueFrom`);
      if (p.valueFrom?.path && !t.script?.source?.includes(`> ${p.valueFrom.path}`)) {
        fail(at, `output ${p.name}: the script never writes ${p.valueFrom.path}`);
      }
    }
    for (const mount of t.script?.volumeMounts ?? []) {
      if (![...(t.volumes ?? []), ...(o.spec.volumes ?? [])].some((v) => v.name === mount.name)) {
        fail(at, `mounts ${mount.name}, which is no volume of the template (templateRef carries template volumes only)`);
      }
    }
    if (t.script?.source?.includes("{{") && !/\{\{inputs\.parameters\.[\w-]+\}\}/.test(t.script.source)) {
      fail(at, "the script holds {{ that Argo would substitute");
    }
    for (const m of (t.script?.source ?? "").matchAll(/\/requests\/([\w.-]+\.json)/g)) {
      if (!requests.has(m[1])) fail(at, `reads /requests/${m[1]}, which examples/requests lacks`);
    }
    const tasks = t.dag?.tasks ?? [];
    const byName = new Map(tasks.map((k) => [k.name, k]));
    const resolveTemplate = (k) => k.templateRef
      ? templatesOf.get(k.templateRef.name)?.get(k.templateRef.template)
      : local.get(k.template);
    for (const k of tasks) {
      const kt = `${at} task ${k.name}`;
      const target = resolveTemplate(k);
      if (!target) { fail(kt, `template ${k.templateRef ? `${k.templateRef.name}/${k.templateRef.template}` : k.template} not found`); continue; }
      const passed = new Map((k.arguments?.parameters ?? []).map((p) => [p.name, p.value]));
      const declared = new Map((target.inputs?.parameters ?? []).map((p) => [p.name, p]));
      for (const name of passed.keys()) if (!declared.has(name)) fail(kt, `passes ${name}, which ${target.name} does not take`);
      for (const [name, p] of declared) {
        if (p.value === undefined && !passed.has(name)) fail(kt, `does not pass the required input ${name}`);
      }
      for (const name of ["request", "file"]) {
        if (passed.has(name) && !requests.has(passed.get(name))) fail(kt, `${name} ${passed.get(name)} is no file of examples/requests`);
      }
      for (const name of ["args"]) {
        // the JSON that jq gets as $args: {{...}} in quotes are strings, outside quotes JSON values
        const filled = fill(passed.get(name) ?? "{}");
        try { JSON.parse(filled); } catch (e) { fail(kt, `${name} is no JSON once substituted: ${e.message}`); }
      }
      const deps = (k.depends ?? "").split(/&&|\|\|/).map((s) => s.trim().replace(/\.\w+$/, "").replace(/[()!]/g, "")).filter(Boolean);
      for (const d of deps) if (!byName.has(d)) fail(kt, `depends on unknown task ${d}`);
      for (const m of JSON.stringify(k).matchAll(/\{\{tasks\.([\w-]+)\.outputs\.(parameters\.([\w-]+)|result)\}\}/g)) {
        const source = byName.get(m[1]);
        if (!source) { fail(kt, `reads outputs of unknown task ${m[1]}`); continue; }
        if (!deps.includes(m[1]) && !isAncestor(byName, deps, m[1])) fail(kt, `reads ${m[1]} without depending on it`);
        const st = resolveTemplate(source);
        if (m[3] && st && !(st.outputs?.parameters ?? []).some((p) => p.name === m[3])) fail(kt, `${m[1]} has no output ${m[3]}`);
        if (!m[3] && st && !st.script) fail(kt, `${m[1]} has no result (not a script)`);
      }
    }
    for (const p of outputs) {
      const m = p.valueFrom?.parameter?.match(/^\{\{tasks\.([\w-]+)\.outputs\.parameters\.([\w-]+)\}\}$/);
      if (p.valueFrom?.parameter && (!m || !byName.has(m[1]))) fail(at, `output ${p.name} reads ${p.valueFrom.parameter}`);
    }
  }
}

/** {{...}} inside a JSON string becomes x, outside one {} (a JSON value such as a MethodSpec). */
function fill(text) {
  let out = "", inString = false;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("{{", i)) {
      const end = text.indexOf("}}", i);
      out += inString ? "x" : "{}";
      i = end + 1;
      continue;
    }
    if (text[i] === '"' && text[i - 1] !== "\\") inString = !inString;
    out += text[i];
  }
  return out;
}

function isAncestor(byName, deps, name, seen = new Set()) {
  for (const d of deps) {
    if (d === name) return true;
    if (seen.has(d)) continue;
    seen.add(d);
    const k = byName.get(d);
    const next = (k?.depends ?? "").split(/&&|\|\|/).map((s) => s.trim().replace(/\.\w+$/, "")).filter(Boolean);
    if (isAncestor(byName, next, name, seen)) return true;
  }
  return false;
}

if (problems.length) {
  for (const p of problems) console.error(`PROBLEM: ${p}`);
  process.exit(1);
}
console.log(`argo examples OK: ${objects.map((x) => x.where).join(", ")}`);
