// When PostgreSQL answered a write with an error, nothing of the transaction landed: it never
// reports an error for a COMMIT that did. Except for the errors that end the connection itself
// (SQLSTATE classes 08, connection exception, and 57, operator intervention such as an admin
// shutdown): one of those can arrive after a COMMIT landed, so they stay unknown outcomes.
import pg from 'pg';
import { WriteRefused } from '../ports.ts';

const CONNECTION_CLASSES = new Set(['08', '57']);

/** The error as WriteRefused when PostgreSQL surely wrote nothing of the transaction; else as it was. */
export function asWriteRefused(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  return CONNECTION_CLASSES.has((error.code ?? '').slice(0, 2)) ? error : new WriteRefused(error);
}
