/** The SQL dialects Tongban runs on. openGauss / KingbaseES take the `postgres` path. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * Every difference between the dialects that code may need to know, in one
 * table. Add a row here rather than `if (dialect === …)` elsewhere.
 */
export interface Capabilities {
  /** `SELECT … FOR UPDATE SKIP LOCKED` for claiming work across processes. */
  readonly skipLocked: boolean;
  /** Several processes may share the database (and run dispatchers) at once. */
  readonly multiProcess: boolean;
  /** Column type for JSON documents (`jsonb` is queryable; SQLite keeps text). */
  readonly jsonType: 'jsonb' | 'text';
  /** Type of auto-incrementing 64-bit primary keys. */
  readonly serialPrimaryKey: string;
  /** Insert-or-ignore spelling: both support `ON CONFLICT DO NOTHING`. */
  readonly onConflictDoNothing: 'ON CONFLICT DO NOTHING';
  /** Session-wide advisory locks exist (used to serialise migrations). */
  readonly advisoryLocks: boolean;
}

export const CAPABILITIES: Readonly<Record<Dialect, Capabilities>> = Object.freeze({
  sqlite: Object.freeze({
    skipLocked: false,
    multiProcess: false,
    jsonType: 'text',
    serialPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    onConflictDoNothing: 'ON CONFLICT DO NOTHING',
    advisoryLocks: false,
  }),
  postgres: Object.freeze({
    skipLocked: true,
    multiProcess: true,
    jsonType: 'jsonb',
    serialPrimaryKey: 'BIGSERIAL PRIMARY KEY',
    onConflictDoNothing: 'ON CONFLICT DO NOTHING',
    advisoryLocks: true,
  }),
});
