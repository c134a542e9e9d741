// Lightning Flow Scanner (lightning-flow-scanner-core, pinned in .ci/run) over flow files:
// prints one JSON object {flows: N, findings: [{flow, file, rule, severity, element}]} for
// every rule result that occurs, with the package's default rules and severities.
// Usage: node .ci/flow_scan.cjs FILE_OR_DIR...   (modules from .ci/node or PRM_NODE_MODULES)
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const modules = process.env.PRM_NODE_MODULES || path.join(__dirname, "node", "node_modules");
const core = require(path.join(modules, "lightning-flow-scanner-core"));

function flowFiles(target) {
  if (fs.statSync(target).isDirectory()) {
    return fs.readdirSync(target).flatMap((name) => flowFiles(path.join(target, name)));
  }
  return /\.flow(-meta\.xml)?$/.test(target) ? [path.resolve(target)] : [];
}

async function main() {
  const files = process.argv.slice(2).flatMap(flowFiles).sort();
  const parsed = await core.parse(files);
  const broken = parsed.filter((p) => p.errorMessage);
  if (broken.length) {
    throw new Error("unreadable flows: " + broken.map((p) => `${p.uri}: ${p.errorMessage}`).join("; "));
  }
  const findings = [];
  for (const result of core.scan(parsed)) {
    for (const rule of result.ruleResults) {
      if (!rule.occurs) continue;
      for (const detail of rule.details.length ? rule.details : [{ name: "" }]) {
        findings.push({ flow: result.flow.name, file: path.basename(result.flow.fsPath || result.flow.uri || ""),
                        rule: rule.ruleName, severity: rule.severity, element: detail.name || "" });
      }
    }
  }
  process.stdout.write(JSON.stringify({ flows: parsed.length, findings }) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(2);
});
