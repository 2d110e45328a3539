#!/usr/bin/env node
// Renders the kustomizations with `kubectl kustomize` and validates every object
// offline: against the Kubernetes OpenAPI schemas that the npm package
// kubernetes-models ships (compiled JSON Schema validators; no cluster, no
// network), then against this repo's own rules (probes, limits, non-root, a
// Service and a PodDisruptionBudget per Deployment, secrets named in .env.example).
// Usage: node deploy/validate.mjs [kustomization dir ...]; KUBECTL=path picks the binary
// (default: deploy/base deploy/overlays/production).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const targets = process.argv.slice(2);
if (targets.length === 0)
  targets.push(join(root, 'deploy/base'), join(root, 'deploy/overlays/production'));

/**
 * A rendered object of any kind: its shape is what the checks below verify.
 * @typedef {Record<string, any>} KubeObject
 */

/**
 * The kubernetes-models class for an apiVersion and kind, e.g. apps/v1 Deployment.
 * @param {string} apiVersion
 * @param {string} kind
 */
async function modelFor(apiVersion, kind) {
  const path = apiVersion.includes('/') ? apiVersion : `v1`;
  try {
    const module = await import(`kubernetes-models/${path}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

/**
 * @param {KubeObject} doc
 * @returns {Promise<string[]>}
 */
async function schemaErrors(doc) {
  const Model = await modelFor(doc.apiVersion ?? '', doc.kind ?? '');
  if (!Model) return [`no schema for ${doc.apiVersion} ${doc.kind}`];
  try {
    new Model(doc).validate();
    return [];
  } catch (error) {
    return [String(error.message ?? error)];
  }
}

// A validator that accepts everything would make this check worthless: prove it bites.
const broken = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'broken' },
  spec: {
    selector: {},
    template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 'x' }] }] } },
  },
};
if ((await schemaErrors(broken)).length === 0) {
  console.error('deploy: the schema validator accepted a broken Deployment; refusing to trust it');
  process.exit(1);
}

const envExample = readFileSync(join(root, '.env.example'), 'utf8');
const secretKeys = new Set([...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
/**
 * @param {Record<string, string>} [selector]
 * @param {Record<string, string>} [labels]
 */
const matches = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/**
 * This repo's rules for a rendered set of objects.
 * @param {KubeObject[]} docs
 */
function ruleErrors(docs) {
  /** @type {string[]} */
  const errors = [];
  const named = (/** @type {string} */ kind) => docs.filter((d) => d.kind === kind);
  const configMaps = new Set(named('ConfigMap').map((d) => d.metadata.name));
  for (const d of docs) {
    if (d.kind !== 'Namespace' && d.metadata?.namespace !== 'portico')
      errors.push(`${d.kind}/${d.metadata?.name}: not in namespace portico`);
  }
  for (const deployment of named('Deployment')) {
    const name = `Deployment/${deployment.metadata.name}`;
    const template = deployment.spec.template;
    const labels = template.metadata?.labels ?? {};
    if (!matches(deployment.spec.selector.matchLabels, labels))
      errors.push(`${name}: selector does not match its pod labels`);
    if (template.spec.securityContext?.runAsNonRoot !== true)
      errors.push(`${name}: pods must set runAsNonRoot`);
    for (const c of template.spec.containers) {
      const where = `${name} container ${c.name}`;
      if (c.livenessProbe?.httpGet?.path !== '/healthz')
        errors.push(`${where}: liveness is not /healthz`);
      if (c.readinessProbe?.httpGet?.path !== '/readyz')
        errors.push(`${where}: readiness is not /readyz`);
      if (!c.startupProbe) errors.push(`${where}: no startup probe`);
      for (const part of ['requests', 'limits'])
        for (const resource of ['cpu', 'memory'])
          if (!c.resources?.[part]?.[resource]) errors.push(`${where}: no ${resource} ${part}`);
      if (c.securityContext?.readOnlyRootFilesystem !== true)
        errors.push(`${where}: root filesystem is writable`);
      if (!c.volumeMounts?.some((/** @type {{ mountPath: string }} */ m) => m.mountPath === '/tmp'))
        errors.push(`${where}: no /tmp volume`);
      for (const from of c.envFrom ?? [])
        if (from.configMapRef && !configMaps.has(from.configMapRef.name))
          errors.push(`${where}: ConfigMap ${from.configMapRef.name} is not rendered`);
      for (const env of c.env ?? []) {
        const key = env.valueFrom?.secretKeyRef?.key;
        if (key && !secretKeys.has(key))
          errors.push(`${where}: secret key ${key} is not in .env.example`);
      }
    }
    if (!named('Service').some((s) => matches(s.spec.selector, labels)))
      errors.push(`${name}: no Service selects it`);
    if (!named('PodDisruptionBudget').some((p) => matches(p.spec.selector.matchLabels, labels)))
      errors.push(`${name}: no PodDisruptionBudget covers it`);
    if (!named('NetworkPolicy').some((p) => matches(p.spec.podSelector.matchLabels, labels)))
      errors.push(`${name}: no NetworkPolicy of its own`);
  }
  for (const hpa of named('HorizontalPodAutoscaler')) {
    const target = hpa.spec.scaleTargetRef;
    const deployment = named('Deployment').find((d) => d.metadata.name === target.name);
    if (target.kind !== 'Deployment' || !deployment)
      errors.push(
        `HorizontalPodAutoscaler/${hpa.metadata.name}: target ${target.kind}/${target.name} is not rendered`,
      );
    else if (deployment.spec.replicas !== undefined)
      errors.push(`Deployment/${target.name}: sets replicas although an autoscaler owns them`);
  }
  if (
    !named('NetworkPolicy').some(
      (p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress,
    )
  )
    errors.push('no default-deny NetworkPolicy');
  return errors;
}

let failed = 0;
for (const target of targets) {
  const label = relative(root, target) || '.';
  let rendered;
  try {
    rendered = execFileSync(process.env.KUBECTL ?? 'kubectl', ['kustomize', target], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (error) {
    failed += 1;
    console.error(`deploy: ${label}: kubectl kustomize failed\n${error.stderr ?? error.message}`);
    continue;
  }
  const parsed = parseAllDocuments(rendered);
  const docs = parsed.map((d) => d.toJS()).filter(Boolean);
  const errors = parsed.flatMap((d) => d.errors.map((e) => `YAML: ${e.message}`));
  for (const doc of docs)
    for (const message of await schemaErrors(doc))
      errors.push(`${doc.kind}/${doc.metadata?.name}: ${message}`);
  errors.push(...ruleErrors(docs));
  const count = new Map();
  for (const doc of docs) count.set(doc.kind, (count.get(doc.kind) ?? 0) + 1);
  const kinds = [...count].map(([kind, n]) => `${n} ${kind}`).join(', ');
  if (errors.length === 0) console.log(`deploy: ${label}: ${docs.length} objects valid (${kinds})`);
  else {
    failed += 1;
    console.error(`deploy: ${label}: ${errors.length} problem(s)`);
    for (const error of errors) console.error(`  - ${error}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
