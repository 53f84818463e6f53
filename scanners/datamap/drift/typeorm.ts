/**
 * TypeORM entities → tables and columns, read from the syntax tree (ast-grep):
 *
 *   @Entity('customers')            // or @Entity({ name, schema }), @Entity('name', { schema })
 *   export class Customer {
 *     @PrimaryGeneratedColumn('uuid') id: string;
 *     @Column({ name: 'email_address', type: 'varchar' }) email: string;
 *     @ManyToOne(() => User) @JoinColumn({ name: 'owner_id' }) owner: User;
 *   }
 *
 * As TypeORM's default naming strategy names them: a table is its given name, else the class
 * name in snake_case; a column is its `name` option, else the property's name. The class name
 * and the property's snake_case form are kept as aliases (SnakeNamingStrategy is common). A
 * many-to-one or owning one-to-one relation is its join column (`@JoinColumn({ name })`, else
 * `<property>Id`). The type is the column's given type (`'varchar'`, `{ type: 'inet' }`), else the
 * property's TypeScript type. `@ViewEntity` and `@ChildEntity` classes are not tables of their own.
 */
import type { SgNode, SgRoot } from '@ast-grep/napi';
import type { ObservedFieldDetail } from './observed.js';
import { callArgs, calleeName, lineOf, objectProps, stringValue } from './ts-ast.js';
import { tokenise } from './tokens.js';

const COLUMN_DECORATORS: Readonly<Record<string, string | undefined>> = {
  Column: undefined,
  PrimaryColumn: undefined,
  PrimaryGeneratedColumn: 'integer',
  ObjectIdColumn: 'objectid',
  CreateDateColumn: 'timestamp',
  UpdateDateColumn: 'timestamp',
  DeleteDateColumn: 'timestamp',
  VersionColumn: 'integer',
};

interface Decorator {
  name: string;
  args: SgNode[];
}

/** The decorators on a class or field: `@Name(args)` or a bare `@Name`. */
function decoratorsOf(nodes: readonly SgNode[]): Decorator[] {
  const out: Decorator[] = [];
  for (const d of nodes) {
    if (d.kind() !== 'decorator') continue;
    const inner = d.children().find((c) => c.isNamed());
    if (!inner) continue;
    if (inner.kind() === 'call_expression') {
      const name = calleeName(inner);
      if (name) out.push({ name: name.slice(name.lastIndexOf('.') + 1), args: callArgs(inner) });
    } else if (inner.kind() === 'identifier') out.push({ name: inner.text(), args: [] });
  }
  return out;
}

function snake(name: string): string {
  return tokenise(name).join('_');
}

/** The TypeScript type written on a field (`string`, `Date`, `boolean | null`), without the colon. */
function annotation(field: SgNode): string | undefined {
  const ann = field.children().find((c) => c.kind() === 'type_annotation');
  return ann ? ann.text().replace(/^:\s*/, '') : undefined;
}

/** Read the TypeORM entities of one parsed file. */
export function readTypeorm(file: string, tree: SgRoot): ObservedFieldDetail[] {
  const out: ObservedFieldDetail[] = [];
  const classes = tree.root().findAll({ rule: { any: [{ kind: 'class_declaration' }, { kind: 'abstract_class_declaration' }] } });
  for (const cls of classes) {
    // `@Entity() export class X` puts the decorator on the export statement
    const parent = cls.parent();
    const decorators = decoratorsOf([...cls.children(), ...(parent?.kind() === 'export_statement' ? parent.children() : [])]);
    const entity = decorators.find((d) => d.name === 'Entity');
    if (!entity) continue;
    const className = cls.field('name')?.text();
    const [first, second] = entity.args;
    const firstOpts = objectProps(first);
    const given = stringValue(first) ?? stringValue(firstOpts.get('name'));
    const schema = stringValue(firstOpts.get('schema')) ?? stringValue(objectProps(second).get('schema'));
    const tableName = given ?? (className ? snake(className) : undefined);
    if (!tableName) continue;
    const table = schema ? `${schema}.${tableName}` : tableName;
    const tableAliases = [...new Set([className, schema ? tableName : undefined])].filter((a): a is string => !!a && a !== table);
    const body = cls.field('body');
    for (const field of body?.children() ?? []) {
      if (field.kind() !== 'public_field_definition' && field.kind() !== 'field_definition') continue;
      const prop = field.field('name')?.text();
      if (!prop) continue;
      const decs = decoratorsOf(field.children());
      const col = fieldColumn(prop, decs, annotation(field));
      if (!col) continue;
      const columnAliases = [...new Set([prop, snake(prop)])].filter((a) => a !== col.name);
      out.push({
        origin: 'typeorm',
        source: file,
        line: lineOf(field),
        table,
        column: col.name,
        ...(col.type ? { type: col.type } : {}),
        ...(tableAliases.length ? { tableAliases } : {}),
        ...(columnAliases.length ? { columnAliases } : {}),
      });
    }
  }
  return out;
}

/** The column a decorated property maps to, or undefined when it is not a column. */
function fieldColumn(prop: string, decs: readonly Decorator[], tsType: string | undefined): { name: string; type?: string } | undefined {
  for (const d of decs) {
    if (!(d.name in COLUMN_DECORATORS)) continue;
    const [a0, a1] = d.args;
    const opts = objectProps(a0?.kind() === 'object' ? a0 : a1);
    const name = stringValue(opts.get('name')) ?? prop;
    // PrimaryGeneratedColumn's string argument is its strategy: 'uuid' makes a uuid column
    const positional = stringValue(a0);
    const strategyType = d.name === 'PrimaryGeneratedColumn' ? (positional === 'uuid' ? 'uuid' : 'integer') : undefined;
    const type = stringValue(opts.get('type')) ?? strategyType ?? positional ?? COLUMN_DECORATORS[d.name] ?? tsType;
    return { name, ...(type ? { type } : {}) };
  }
  const relation = decs.find((d) => d.name === 'ManyToOne' || d.name === 'OneToOne');
  if (!relation) return undefined;
  const join = decs.find((d) => d.name === 'JoinColumn');
  // the inverse side of a one-to-one holds no column
  if (relation.name === 'OneToOne' && !join) return undefined;
  const joinOpts = objectProps(join?.args[0]);
  return { name: stringValue(joinOpts.get('name')) ?? `${prop}Id` };
}
