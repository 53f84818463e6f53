/**
 * What the drift readers know of an observed field beyond the shared ObservedField contract: the
 * other names a table or column answers to, and whether the source shows the whole table.
 */
import type { ObservedField, SourceProblem } from '../types.js';

/** An ObservedField with the names a data map may use for it instead. */
export interface ObservedFieldDetail extends ObservedField {
  /** Other names of the table: a Prisma model's name beside its @@map, a TypeORM class, a Drizzle variable. */
  tableAliases?: string[];
  /** Other names of the column: a Prisma field beside its @map, an ORM property beside its column name. */
  columnAliases?: string[];
  /**
   * The source shows only some of the table's columns (columns added to a table created outside
   * the migrations, such as Supabase's auth.users): a column it lacks may still exist.
   */
  partial?: boolean;
}

/** What one reader makes of one file or database. */
export interface ReadResult {
  fields: ObservedFieldDetail[];
  problems: SourceProblem[];
}

