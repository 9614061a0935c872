// A PostgreSQL address as dacu takes it: the usual postgres:// URL, with an optional `schema`
// parameter naming the schema the sale lives in (default public). pg does not know `schema`, so
// it is taken off before the URL reaches the driver.

export interface PostgresTarget {
  connectionString: string;
  schema: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

export function parsePostgresUrl(value: string): PostgresTarget {
  const url = new URL(value);
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema))
    throw new Error(`schema "${schema}" must be lower-case letters, digits and _ (at most 63)`);
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}
