// How long the one server takes at start to read its filter of answered Idempotency-Keys back from
// SQLite (services/idempotency.ts), and what the filter costs in memory and per lookup.
// `node --import tsx bench/idempotency-keys.bench.ts [keys]` (default 1,000,000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdempotencyKeys } from '../src/services/idempotency.ts';
import { emptyBatch } from '../src/store/ports.ts';
import { SqliteTradeStore } from '../src/store/sql/sqlite-trade-store.ts';
import { KeyFilter } from '../src/support/key-filter.ts';

const keys = Number(process.argv[2] ?? 1_000_000);
const WRITE_BATCH = 50_000;
const dir = mkdtempSync(join(tmpdir(), 'dacu-bench-keys-'));
const store = new SqliteTradeStore({ file: join(dir, 'keys.db') });
try {
  await store.migrate();
  for (let i = 0; i < keys; i += WRITE_BATCH) {
    const batch = emptyBatch();
    for (let j = i; j < Math.min(keys, i + WRITE_BATCH); j++)
      batch.idempotency.push({
        buyerId: `r1a2b3-${j}`,
        key: `r1a2b3-${j}-place-0`,
        requestHash: 'h'.repeat(43),
        statusCode: 200,
        response: '{"ok":true,"value":{}}',
        createdAt: 1,
      });
    await store.commit(batch);
  }
  const started = performance.now();
  await IdempotencyKeys.ofOneServer(store);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `start: ${keys.toLocaleString('en-US')} stored keys read into the filter in ${seconds.toFixed(2)} s`,
  );

  const filter = new KeyFilter();
  for (let i = 0; i < keys; i++) filter.add(`b${i}\u0000place-${i}`);
  let falsePositives = 0;
  const lookups = 1_000_000;
  const t = performance.now();
  for (let i = 0; i < lookups; i++) if (filter.mayHave(`b${i}\u0000pay-${i}`)) falsePositives += 1;
  const micros = ((performance.now() - t) * 1000) / lookups;
  console.log(
    `filter: ${(filter.bytes / 1e6).toFixed(1)} MB for ${keys.toLocaleString('en-US')} keys, ${micros.toFixed(2)} µs a lookup, ${((falsePositives / lookups) * 100).toFixed(2)}% false positives (each costs one database read)`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
