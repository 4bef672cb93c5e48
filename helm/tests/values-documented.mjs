// Fails when helm/embed-merge/README.md does not name (in backticks) every value of values.yaml; maps that are
// values as a whole (resources.requests, nodeSelector, ...) count as one.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const chart = new URL("../embed-merge/", import.meta.url);
const values = parse(readFileSync(new URL("values.yaml", chart), "utf8"));
const readme = readFileSync(new URL("README.md", chart), "utf8");
const whole = ["requests", "limits", "podSecurityContext", "securityContext", "nodeSelector", "labels", "startup", "liveness", "readiness"];
const missing = [];
const walk = (o, prefix) => {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length && !whole.includes(k)) walk(v, key);
    else if (!readme.includes("`" + key + "`")) missing.push(key);
  }
};
walk(values, "");
if (missing.length) {
  console.error(`not in helm/embed-merge/README.md: ${missing.join(", ")}`);
  process.exit(1);
}
console.log("every value is in the chart README");
