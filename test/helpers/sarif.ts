/** One result for `sarifLog`. */
export interface ResultSpec {
  rule: string;
  level?: 'error' | 'warning' | 'note' | 'none';
  file: string;
  line: number;
  snippet?: string;
  message?: string;
  securitySeverity?: string;
}

/**
 * A SARIF 2.1.0 log shaped like a code-scanning tool's output (rules in tool.driver, results
 * with ruleIndex, %SRCROOT%-relative locations), for tests that need arbitrary results.
 */
export function sarifLog(results: ResultSpec[], tool = 'TestTool'): string {
  const ruleIds = [...new Set(results.map((r) => r.rule))];
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: tool,
              version: '1.2.3',
              rules: ruleIds.map((id) => {
                const sev = results.find((r) => r.rule === id)!.securitySeverity;
                return {
                  id,
                  shortDescription: { text: `Rule ${id}` },
                  helpUri: `https://example.test/rules/${id}`,
                  ...(sev ? { properties: { 'security-severity': sev, tags: ['security', 'external/cwe/cwe-89'] } } : {}),
                };
              }),
            },
          },
          results: results.map((r) => ({
            ruleId: r.rule,
            ruleIndex: ruleIds.indexOf(r.rule),
            level: r.level ?? 'warning',
            message: { text: r.message ?? `${r.rule} at ${r.file}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: r.file, uriBaseId: '%SRCROOT%' },
                  region: { startLine: r.line, ...(r.snippet ? { snippet: { text: r.snippet } } : {}) },
                },
              },
            ],
          })),
        },
      ],
    },
    null,
    2,
  );
}
