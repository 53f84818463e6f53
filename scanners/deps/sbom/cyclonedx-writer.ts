import { randomUUID } from 'node:crypto';
import { Enums, Models, SPDX, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Component, DependencyGraph } from '../model.js';
import { NPM_DEV_PROPERTY } from './cyclonedx.js';

/**
 * The graph as a CycloneDX 1.6 JSON object, built with the CycloneDX library's models and
 * normaliser so the output is the shape the standard's own tools write. Lists are sorted so
 * the same lockfile gives the same document, apart from the timestamp and serial number.
 */
export function graphToCycloneDx(graph: DependencyGraph): Record<string, unknown> {
  const models = new Map<string, Models.Component>();
  for (const c of graph.components.values()) {
    const type = c.ref === graph.root ? Enums.ComponentType.Application : Enums.ComponentType.Library;
    models.set(c.ref, toModel(c, type));
  }
  for (const [from, tos] of graph.edges) {
    const m = models.get(from);
    if (!m) continue;
    for (const to of tos) {
      const target = models.get(to);
      if (target) m.dependencies.add(target.bomRef);
    }
  }
  const root = models.get(graph.root);
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${randomUUID()}` });
  bom.metadata.timestamp = new Date();
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'vigil'));
  if (root) bom.metadata.component = root;
  for (const [ref, m] of models) if (ref !== graph.root) bom.components.add(m);

  const normalized = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6).makeForBom().normalize(bom, { sortLists: true });
  return { $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json', ...normalized };
}

function toModel(c: Component, type: Enums.ComponentType): Models.Component {
  // npm scopes go into `group`, as cyclonedx-npm writes them
  const slash = c.ecosystem === 'npm' && c.name.startsWith('@') ? c.name.indexOf('/') : -1;
  const m = new Models.Component(type, slash > 0 ? c.name.slice(slash + 1) : c.name, {
    bomRef: c.ref,
    version: c.version || undefined,
    group: slash > 0 ? c.name.slice(0, slash) : undefined,
    purl: c.purl,
  });
  for (const l of licenseModels(c.licenses)) m.licenses.add(l);
  if (c.dev && c.ecosystem === 'npm') m.properties.add(new Models.Property(NPM_DEV_PROPERTY, 'true'));
  return m;
}

function licenseModels(licenses: readonly string[]): Models.License[] {
  // CycloneDX allows one expression or a list of licences, not both
  if (licenses.length === 1 && /\s(?:AND|OR|WITH)\s|^\(/.test(licenses[0]!)) return [new Models.LicenseExpression(licenses[0]!)];
  return licenses.map((l) => (SPDX.isSupportedSpdxId(l) ? new Models.SpdxLicense(l) : new Models.NamedLicense(l)));
}
