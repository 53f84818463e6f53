import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import { CYCLONEDX_MEDIA_TYPE } from '../../src/model/run.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import type { AdvisorySource } from './audit.js';
import type { OsvAdvisory } from './model.js';
import { loadSbom } from './sbom/load.js';

/** The scanner's id; the same string as DEPS_SCANNER_ID in audit.ts, which this module loads only when matching. */
const ID = 'deps';

/**
 * `deps`: a project folder (lockfile) or a CycloneDX SBOM, matched offline against the OSV
 * advisories imported into the ledger (`vigil advisories import`).
 * Options: `omit: ['dev']`, `sbomOut: FILE`, `licensePolicy: FILE | false` (default
 * rules/licenses/policy.yaml), `online: true` (also ask OSV's API; off by default).
 * The CycloneDX SBOM it matched is handed to the run (`ctx.artifact`), which keeps it in the ledger.
 */
export class DepsScanner implements Scanner {
  readonly id = ID;
  readonly version = 2;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    if (target.kind !== 'path') {
      throw new VigilError('VIGIL_ERR_USAGE', `deps scans a folder or an SBOM file; "${target.name}" is a ${target.kind}`);
    }
    const location = path.resolve(ctx.baseDir, target.location);
    ctx.progress('reading the SBOM');
    const sbomLoading = loadSbom(location, { signal: ctx.signal });
    // While cyclonedx-npm builds the SBOM in its own process, this one loads the matcher and the policy.
    const lp = ctx.options.licensePolicy;
    const ready = Promise.all([
      import('./audit.js'),
      import('./licenses.js'),
      lp === false ? undefined : import('./license-policy.js').then((m) => m.loadLicensePolicy(typeof lp === 'string' && lp ? path.resolve(ctx.baseDir, lp) : undefined)),
    ]);
    ready.catch(() => undefined);
    const sbom = await sbomLoading;
    const [{ audit }, { graphLicenseFindings }, policy] = await ready;
    // One text for the run's record and for --sbom-out: the SBOM a run kept is byte for byte the file.
    const sbomText = `${JSON.stringify(sbom.cyclonedx, null, 2)}\n`;
    ctx.artifact?.({ kind: 'sbom', mediaType: CYCLONEDX_MEDIA_TYPE, content: sbomText });
    const sbomOut = ctx.options.sbomOut;
    if (typeof sbomOut === 'string' && sbomOut) {
      await writeFile(path.resolve(ctx.baseDir, sbomOut), sbomText);
    }
    const omit = ctx.options.omit;
    const omitDev = Array.isArray(omit) ? omit.includes('dev') : omit === 'dev';
    // Licences first: they need no advisory store.
    if (policy) {
      const components = [...sbom.graph.components.values()].filter((c) => c.ref !== sbom.graph.root);
      if (components.some((c) => c.licenses.length > 0)) yield* graphLicenseFindings(sbom.graph, policy, { omitDev });
      else ctx.logger.warn(`${sbom.source} declares no licences; the licence check needs an SBOM or lockfile that carries them`);
    }
    if (!ctx.advisories) {
      throw new VigilError('VIGIL_ERR_USAGE', 'deps needs the advisory store: run it with a ledger (import advisories with `vigil advisories import`)');
    }
    ctx.progress(`matching ${sbom.graph.components.size} components`);
    const source = ctx.advisories as AdvisorySource;
    const online = ctx.options.online === true ? new (await import('./osv-online.js')).OsvOnline(undefined, ctx.signal) : undefined;
    const findings = await audit(sbom, { forPackages: (keys) => source.forPackages(keys) as Promise<Map<string, OsvAdvisory[]>> }, {
      omitDev,
      signal: ctx.signal,
      ...(online ? { online } : {}),
    });
    yield* findings;
  }
}

/** The registry's factory. */
export function createDepsScanner(): Scanner {
  return new DepsScanner();
}
