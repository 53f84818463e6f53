import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../../src/errors.js';
import { loadSbom, parseCycloneDx, parsePurl, purlFacts, SYNTHETIC_ROOT_REF } from '../../../../scanners/deps/sbom/index.js';
import { edgeLabels, fixture, pathTo, rows, schemaErrors } from './helpers.js';

describe('CycloneDX 1.4 from the Maven plugin', () => {
  const file = fixture('cyclonedx-maven-1.4', 'bom.json');
  const loaded = loadSbom(file);

  it('is a valid 1.4 document (the fixture itself)', async () => {
    expect(await schemaErrors(JSON.parse(await readFile(file, 'utf8')), '1.4')).toBeNull();
  });

  it('names Maven packages group:artifact, scope excluded is dev, a VCS-only component is local', async () => {
    const sbom = await loaded;
    expect(sbom.source).toBe(file);
    expect(rows(sbom.graph)).toEqual([
      'com.example/internal-utils@0.9.0 - local',
      'com.fasterxml.jackson.core:jackson-core@2.13.2 Maven',
      'com.fasterxml.jackson.core:jackson-databind@2.13.2.1 Maven',
      'junit:junit@4.13.2 Maven dev',
      'org.hamcrest:hamcrest-core@1.3 Maven dev',
      'org.springframework:spring-core@5.3.20 Maven',
      'org.springframework:spring-jcl@5.3.20 Maven',
    ]);
  });

  it('roots the graph at metadata.component and keeps its edges', async () => {
    const { graph } = await loaded;
    expect(graph.root).toBe('pkg:maven/com.example/shop-api@1.2.0?type=jar');
    expect(graph.components.get(graph.root)).toMatchObject({ name: 'com.example:shop-api', version: '1.2.0', registry: false, dev: false });
    expect(pathTo(graph, 'org.springframework:spring-jcl@5.3.20')).toEqual([
      '(root)',
      'org.springframework:spring-core@5.3.20',
      'org.springframework:spring-jcl@5.3.20',
    ]);
  });

  it('reads licence ids, names and expressions', async () => {
    const { graph } = await loaded;
    const lic = (name: string) => [...graph.components.values()].find((c) => c.name === name)!.licenses;
    expect(lic('org.springframework:spring-core')).toEqual(['Apache-2.0']);
    expect(lic('junit:junit')).toEqual(['Eclipse Public License 1.0']);
    expect(lic('org.hamcrest:hamcrest-core')).toEqual(['BSD-3-Clause']);
    expect(lic('com.example/internal-utils')).toEqual([]);
  });

  it('passes the document on as CycloneDX 1.6', async () => {
    const { cyclonedx } = await loaded;
    expect(cyclonedx['specVersion']).toBe('1.6');
    expect(await schemaErrors(cyclonedx, '1.6')).toBeNull();
  });
});

describe('CycloneDX 1.5 from a Python tool', () => {
  const file = fixture('cyclonedx-pypi-1.5', 'bom.json');
  const loaded = loadSbom(file);

  it('is a valid 1.5 document (the fixture itself)', async () => {
    expect(await schemaErrors(JSON.parse(await readFile(file, 'utf8')), '1.5')).toBeNull();
  });

  it('normalises PyPI names (PEP 503), flattens nested components, reads vcs_url and scope optional', async () => {
    const { graph } = await loaded;
    expect(rows(graph)).toEqual([
      'acme-billing-rules@1.0.0 PyPI local',
      'asgiref@3.7.2 PyPI',
      'django@4.2.1 PyPI',
      'pytest@7.4.0 PyPI dev',
      'requests@2.31.0 PyPI',
      'sqlparse@0.4.4 PyPI',
      'urllib3@1.26.18 PyPI',
      'zope-interface@6.0 PyPI',
    ]);
  });

  it('makes a root depending on every component no other one depends on, when metadata.component has no bom-ref', async () => {
    const { graph } = await loaded;
    expect(graph.root).toBe(SYNTHETIC_ROOT_REF);
    expect(graph.components.get(graph.root)).toMatchObject({ name: 'billing-service', version: '3.1.0', registry: false });
    expect(graph.edges.get(graph.root)).toEqual([
      'acme-billing-rules==1.0.0',
      'django==4.2.1',
      'pytest==7.4.0',
      'requests==2.31.0',
      'zope.interface==6.0',
    ]);
    expect(pathTo(graph, 'urllib3@1.26.18')).toEqual(['(root)', 'requests@2.31.0', 'urllib3@1.26.18']);
  });
});

describe('CycloneDX 1.6 from cyclonedx-npm', () => {
  it('uses its development property and leaves its scope alone', async () => {
    const { graph } = await loadSbom(fixture('cyclonedx-npm-1.6', 'bom.json'));
    expect(rows(graph)).toEqual([
      '@tootallnate/once@2.0.0 npm',
      'debug@2.6.9 npm',
      'debug@4.4.0 npm',
      'humanize-ms@1.2.1 npm dev',
      // without the lockfile nothing says local-pkg is a local folder (the npm reader knows)
      'local-pkg@0.3.0 npm',
      'ms@2.0.0 npm',
      'ms@2.1.3 npm',
    ]);
    expect(edgeLabels(graph)).toContain('debug@2.6.9 -> ms@2.0.0');
  });

  it('does not count an npm optional dependency (scope "optional") as dev', () => {
    const doc = bom({
      components: [
        {
          type: 'library',
          name: 'fsevents',
          version: '2.3.3',
          'bom-ref': 'fsevents',
          scope: 'optional',
          purl: 'pkg:npm/fsevents@2.3.3',
          properties: [{ name: 'cdx:npm:package:path', value: 'node_modules/fsevents' }],
        },
      ],
    });
    const { graph } = parseCycloneDx(doc, 'bom.json');
    expect(graph.components.get('fsevents')!.dev).toBe(false);
  });
});

describe('purls', () => {
  it.each([
    ['pkg:npm/%40babel/core@7.24.0', 'npm', '@babel/core', true],
    ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', 'Maven', 'org.apache.logging.log4j:log4j-core', true],
    ['pkg:golang/github.com/gorilla/mux@v1.8.0', 'Go', 'github.com/gorilla/mux', true],
    ['pkg:pypi/Flask_SQLAlchemy@3.0.3', 'PyPI', 'flask-sqlalchemy', true],
    ['pkg:gem/rails@7.0.4', 'RubyGems', 'rails', true],
    ['pkg:cargo/serde@1.0.160', 'crates.io', 'serde', true],
    ['pkg:nuget/Newtonsoft.Json@13.0.1', 'NuGet', 'Newtonsoft.Json', true],
    ['pkg:composer/laravel/framework@10.0.0', 'Packagist', 'laravel/framework', true],
    ['pkg:deb/debian/openssl@3.0.11', undefined, 'debian/openssl', true],
    ['pkg:npm/left-pad@1.3.0?vcs_url=git%2Bhttps://github.com/a/b.git', 'npm', 'left-pad', false],
    ['pkg:npm/tiny@1.0.0?download_url=https://example.com/tiny.tgz', 'npm', 'tiny', false],
    ['pkg:npm/tiny@1.0.0?download_url=https://artifactory.example.com/api/npm/npm/tiny/-/tiny-1.0.0.tgz', 'npm', 'tiny', true],
    ['pkg:npm/tiny@1.0.0?download_url=file:../tiny.tgz', 'npm', 'tiny', false],
    ['pkg:maven/a/b@1.0?download_url=https://repo1.maven.org/maven2/a/b/1.0/b-1.0.jar', 'Maven', 'a:b', true],
  ])('%s → %s %s (registry %s)', (purl, ecosystem, name, registry) => {
    const facts = purlFacts(parsePurl(purl)!);
    expect(facts.ecosystem).toBe(ecosystem);
    expect(facts.name).toBe(name);
    expect(facts.registry).toBe(registry);
  });

  it('keeps a component whose purl does not parse, under its own name and without an ecosystem', () => {
    const { graph } = parseCycloneDx(bom({ components: [{ type: 'library', name: 'odd', version: '1', 'bom-ref': 'x', purl: 'not a purl' }] }), 'bom.json');
    expect(graph.components.get('x')).toMatchObject({ name: 'odd', version: '1', purl: 'not a purl', registry: true });
    expect(graph.components.get('x')!.ecosystem).toBeUndefined();
  });
});

describe('references between components', () => {
  it('accepts services as dependency targets and leaves them out of the graph', () => {
    const text = bom({
      metadata: { component: { type: 'application', name: 'app', 'bom-ref': 'app' } },
      components: [{ type: 'library', name: 'a', version: '1', 'bom-ref': 'a' }],
      services: [{ name: 'payments', 'bom-ref': 'svc' }],
      dependencies: [{ ref: 'app', dependsOn: ['a', 'svc'] }, { ref: 'svc', dependsOn: ['a'] }],
    });
    const { graph } = parseCycloneDx(text, 'bom.json');
    expect(graph.edges.get('app')).toEqual(['a']);
    expect(graph.components.has('svc')).toBe(false);
  });

  it('gives components without bom-ref a unique ref', () => {
    const text = bom({
      components: [
        { type: 'library', name: 'a', version: '1' },
        { type: 'library', name: 'a', version: '1' },
      ],
    });
    const { graph } = parseCycloneDx(text, 'bom.json');
    expect([...graph.components.keys()].sort()).toEqual(['a@1', 'a@1#2', SYNTHETIC_ROOT_REF]);
    expect(graph.components.get(SYNTHETIC_ROOT_REF)!.name).toBe('bom.json');
  });

  it('walks components nested thousands deep without overflowing the stack', () => {
    // built as text: JSON.stringify itself recurses, and would overflow first
    const depth = 5000;
    let text = '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[';
    for (let i = 0; i < depth; i++) text += `{"type":"library","name":"n${i}","version":"1","components":[`;
    text += '{"type":"library","name":"leaf"}' + ']}'.repeat(depth) + ']}';
    const { graph } = parseCycloneDx(text, 'bom.json');
    expect(graph.components.size).toBe(depth + 2);
    expect(graph.edges.get(SYNTHETIC_ROOT_REF)!.length).toBe(depth + 1);
  });
});

/** A CycloneDX 1.6 document around the given parts, as text. */
function bom(parts: Record<string, unknown>): string {
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, ...parts }, null, 2);
}

describe('documents vigil refuses', () => {
  const lines = (...l: string[]) => l.join('\n');
  const cases: { name: string; text: string; code: string; line: number; message: RegExp }[] = [
    {
      name: 'SPDX JSON',
      text: lines('{', '  "spdxVersion": "SPDX-2.3",', '  "SPDXID": "SPDXRef-DOCUMENT",', '  "packages": []', '}'),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 1,
      message: /\(root\): this is an SPDX document \(SPDX-2\.3\), not a CycloneDX SBOM/,
    },
    {
      name: 'a SARIF log',
      text: lines('{', '  "version": "2.1.0",', '  "runs": []', '}'),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 1,
      message: /a SARIF log, not a CycloneDX SBOM/,
    },
    {
      name: 'another bomFormat',
      text: lines('{', '  "bomFormat": "SWID",', '  "specVersion": "1.6"', '}'),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 2,
      message: /^bomFormat: expected "CycloneDX", got "SWID"/,
    },
    {
      name: 'CycloneDX 1.3',
      text: lines('{', '  "bomFormat": "CycloneDX",', '  "specVersion": "1.3",', '  "components": []', '}'),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 3,
      message: /^specVersion: CycloneDX 1\.3 is not supported; vigil reads 1\.4, 1\.5, 1\.6/,
    },
    {
      name: 'a component without a name',
      text: lines(
        '{',
        '  "bomFormat": "CycloneDX",',
        '  "specVersion": "1.5",',
        '  "components": [',
        '    { "type": "library", "name": "a", "version": "1" },',
        '    { "type": "library", "version": "2" }',
        '  ]',
        '}',
      ),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 6,
      message: /^components\[1\]\.name: a component needs a name/,
    },
    {
      name: 'a nested component with a number for a name',
      text: lines(
        '{',
        '  "bomFormat": "CycloneDX", "specVersion": "1.6",',
        '  "components": [',
        '    { "type": "library", "name": "a", "components": [',
        '      { "type": "library", "name": 7 }',
        '    ] }',
        '  ]',
        '}',
      ),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 5,
      message: /^components\[0\]\.components\[0\]\.name: expected a non-empty string, got number 7/,
    },
    {
      name: 'a repeated bom-ref',
      text: lines(
        '{',
        '  "bomFormat": "CycloneDX", "specVersion": "1.6",',
        '  "components": [',
        '    { "type": "library", "name": "a", "bom-ref": "x" },',
        '    { "type": "library", "name": "b",',
        '      "bom-ref": "x" }',
        '  ]',
        '}',
      ),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 6,
      message: /^components\[1\]\.bom-ref: bom-ref "x" is already used by components\[0\] \(line 4\)/,
    },
    {
      name: 'dependsOn an unknown ref',
      text: lines(
        '{',
        '  "bomFormat": "CycloneDX", "specVersion": "1.4",',
        '  "components": [{ "type": "library", "name": "a", "bom-ref": "a" }],',
        '  "dependencies": [',
        '    { "ref": "a", "dependsOn": [',
        '      "a",',
        '      "ghost"',
        '    ] }',
        '  ]',
        '}',
      ),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 7,
      message: /^dependencies\[0\]\.dependsOn\[1\]: "ghost" is not the bom-ref of any component/,
    },
    {
      name: 'a dependency entry for an unknown ref',
      text: lines('{', '  "bomFormat": "CycloneDX", "specVersion": "1.6",', '  "dependencies": [', '    { "ref": "nobody" }', '  ]', '}'),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 4,
      message: /^dependencies\[0\]\.ref: "nobody" is not the bom-ref of any component/,
    },
    {
      name: 'components that are not a list',
      text: lines('{', '  "bomFormat": "CycloneDX", "specVersion": "1.6",', '  "components": { "a": 1 }', '}'),
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 3,
      message: /^components: expected an array, got an object/,
    },
    {
      name: 'a JSON array',
      text: '[]',
      code: 'VIGIL_ERR_SBOM_INVALID',
      line: 1,
      message: /expected a CycloneDX JSON object, got an array/,
    },
    {
      name: 'truncated JSON',
      text: lines('{', '  "bomFormat": "CycloneDX",', '  "specVersion": "1.6",', '  "components": [', '    { "type": "library", "na'),
      code: 'VIGIL_ERR_SBOM_PARSE',
      line: 5,
      message: /not valid JSON/,
    },
    {
      name: 'CycloneDX XML',
      text: '<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>',
      code: 'VIGIL_ERR_SBOM_PARSE',
      line: 1,
      message: /looks like XML; vigil reads CycloneDX JSON/,
    },
  ];

  it.each(cases)('$name → $code at line $line', ({ text, code, line, message }) => {
    let caught: unknown;
    try {
      parseCycloneDx(text, 'sbom/bom.json');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(VigilError);
    const e = caught as VigilError;
    expect(e.code).toBe(code);
    expect(e.file).toBe('sbom/bom.json');
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.exitCode).toBe(2);
  });
});
