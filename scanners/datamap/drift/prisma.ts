/**
 * Prisma schemas → the tables and columns they map to. Read with @mrleebo/prisma-ast (a
 * chevrotain parser of Prisma's grammar), with node locations on so each field keeps its line.
 *
 * A model's table is its `@@map` name (else the model's name), in its `@@schema` when one is
 * given; a field's column is its `@map` name (else the field's name). The other names are kept
 * as aliases, so a data map may use either. Relation fields (a model as the type, or
 * `@relation`) are not columns; their foreign keys are fields of their own. Views are skipped:
 * they store nothing.
 */
import { getSchema, PrismaParser, VisitorClassFactory, type Attribute, type Field, type Model } from '@mrleebo/prisma-ast';
import type { ReadResult, ObservedFieldDetail } from './observed.js';

let parser: PrismaParser | undefined;
let visitor: ReturnType<typeof makeVisitor> | undefined;

function makeVisitor(p: PrismaParser) {
  const Visitor = VisitorClassFactory(p);
  return new Visitor();
}

function unquote(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function firstArg(attrs: readonly { name: string; group?: string; args?: { value: unknown }[] }[] | undefined, name: string): string | undefined {
  const a = attrs?.find((x) => x.name === name && x.group === undefined);
  return unquote(a?.args?.[0]?.value);
}

function typeOf(f: Field): string {
  const base = typeof f.fieldType === 'string' ? f.fieldType : `${f.fieldType.name}(${(f.fieldType.params ?? []).map(String).join(', ')})`;
  const native = f.attributes?.find((a: Attribute) => a.group === 'db');
  const nativeText = native ? ` @db.${native.name}${native.args?.length ? `(${native.args.map((x) => String(x.value)).join(', ')})` : ''}` : '';
  return `${base}${f.array ? '[]' : ''}${f.optional ? '?' : ''}${nativeText}`;
}

/** Read one Prisma schema file. A schema that does not parse is one problem with the line of the token it stopped at. */
export function readPrismaSchema(file: string, text: string): ReadResult {
  parser ??= new PrismaParser({ nodeLocationTracking: 'full' });
  visitor ??= makeVisitor(parser);
  let schema: ReturnType<typeof getSchema>;
  try {
    schema = getSchema(text, { parser, visitor });
  } catch (e) {
    const token = (e as { token?: { startLine?: number; image?: string } }).token;
    const line = token?.startLine !== undefined && Number.isFinite(token.startLine) ? token.startLine : undefined;
    const message = (e as Error).message.split(/\s+/).join(' ');
    return { fields: [], problems: [{ source: file, ...(line ? { line } : {}), problem: `Prisma schema does not parse: ${message.length > 300 ? `${message.slice(0, 300)}…` : message}` }] };
  }
  const models = schema.list.filter((b): b is Model => b.type === 'model');
  // a field whose type is another model (or a view) is a relation, not a column
  const objectNames = new Set(schema.list.filter((b) => b.type === 'model' || b.type === 'view').map((b) => (b as Model).name));
  const fields: ObservedFieldDetail[] = [];
  for (const m of models) {
    const blockAttrs = m.properties.filter((p) => p.type === 'attribute') as { name: string; group?: string; args?: { value: unknown }[] }[];
    const mapped = firstArg(blockAttrs, 'map');
    const dbSchema = firstArg(blockAttrs, 'schema');
    const tableName = mapped ?? m.name;
    const table = dbSchema ? `${dbSchema}.${tableName}` : tableName;
    const tableAliases = [m.name, ...(dbSchema ? [tableName] : [])].filter((a) => a !== table);
    for (const p of m.properties) {
      if (p.type !== 'field') continue;
      const f = p as Field;
      const typeName = typeof f.fieldType === 'string' ? f.fieldType : '';
      if (objectNames.has(typeName) || f.attributes?.some((a) => a.name === 'relation' && a.group === undefined)) continue;
      const column = firstArg(f.attributes, 'map') ?? f.name;
      fields.push({
        origin: 'prisma',
        source: file,
        ...(f.location?.startLine !== undefined ? { line: f.location.startLine } : {}),
        table,
        column,
        type: typeOf(f),
        ...(tableAliases.length ? { tableAliases } : {}),
        ...(column !== f.name ? { columnAliases: [f.name] } : {}),
      });
    }
  }
  return { fields, problems: [] };
}
