// The dacu command line.
import { Command } from 'commander';
import { CliError } from './cli-error.ts';
import { checkCommand } from './commands/check.ts';
import { demoCommand } from './commands/demo.ts';
import { migrateCommand } from './commands/migrate.ts';
import { quoteCommand } from './commands/quote.ts';
import { redisCheckCommand, redisRebuildCommand } from './commands/redis.ts';
import { DEFAULT_DB_FILE, DEFAULT_HOST, DEFAULT_PORT, serveCommand } from './commands/serve.ts';
import { simulateCommand } from './commands/simulate.ts';

/** A repeatable option's values, in the order given. */
const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command()
  .name('dacu')
  .description("dacu (大促): run a Singles' Day scale sale — plan, price, sell, watch, rehearse")
  .showHelpAfterError();

program
  .command('quote')
  .description('price a cart: 试算 (PRICING.md contract)')
  .requiredOption('--campaign <file>', 'campaign YAML file')
  .requiredOption(
    '--cart <file>',
    'cart JSON: {"lines": [{"sku", "qty"}], "buyer"?: {"id", "memberships"?}, "at"?: ISO time in the campaign zone, "wallet"?: [coupon ids]} (no buyer = a guest, no at = now)',
  )
  .option('--json', 'print the quote as JSON (money in integer fen)')
  .action(async (options) => console.log(await quoteCommand(options)));

program
  .command('check')
  .description('validate a campaign file and print the margin report')
  .requiredOption('--campaign <file>', 'campaign YAML file')
  .option('--json', 'print the report as JSON')
  .action(async (options) => console.log(await checkCommand(options)));

program
  .command('demo')
  .description('serve the demo sale on 127.0.0.1:3000 with a simulated 11.11 in the background (npm start)')
  .option('--exit-after-sim', 'serve, rehearse, print the summary, exit with the invariants’ status (CI)')
  .option('--orders <n>', 'order attempts over the simulated day')
  .option('--speed <n>', 'how much faster than real time the day runs (1440 = a day in a minute)')
  .option('--seed <n>', 'seed of the simulated day')
  .option('--port <n>', 'first port to try', '3000')
  .option('--json <file>', 'write the rehearsal result as JSON')
  .action(async (options) => {
    const code = await demoCommand(options);
    if (code !== undefined) process.exitCode = code;
  });

program
  .command('simulate')
  .description('rehearse 11.11 against the real API and check nothing is oversold or lost (全链路演练)')
  .option('--url <url>', 'drive a running dacu serve on this machine (loopback only)')
  .option('--campaign <file>', 'start a server for this campaign (default: examples/demo)')
  .option('--speed <n>', 'how much faster than real time the day runs (1440 = a day in a minute)', '1440')
  .option('--shoppers <n>', 'shopper sessions over the day')
  .option(
    '--orders <n>',
    'order attempts over the day (default 10000 when --shoppers is not given); with --shoppers, the day of that many shoppers stops once n order attempts were played',
  )
  .option(
    '--seed <n>',
    'the same seed plays the same shoppers, carts and steps (outcomes can differ with timing)',
    '1111',
  )
  .option('--concurrency <n>', 'requests in flight at most', '64')
  .option(
    '--deadline-seconds <n>',
    'payment deadline in real seconds (default: 30 simulated minutes, at least 2 s)',
  )
  .option('--max-seconds <n>', 'wall-clock cap on driving (default: twice the planned day + 60 s)')
  .option('--verify <n>', 'acknowledged orders read back over HTTP (default: all with --url, 5000 otherwise)')
  .option('--json <file>', 'write the whole result as JSON')
  .addHelpText(
    'after',
    '\nExit status: 0 the whole day played and every invariant held; 1 an invariant failed, or bad input; 2 the --url\nserver could not be reached; 3 stopped at --max-seconds before the day ended; 130 stopped by Ctrl-C.',
  )
  .action(async (options) => {
    process.exitCode = await simulateCommand(options);
  });

program
  .command('serve')
  .description('serve the HTTP API (SQLite in process, or PostgreSQL [+ Redis]); OpenAPI docs at /docs')
  .requiredOption('--campaign <file>', 'campaign YAML file')
  .option(
    '--db <file|url>',
    `SQLite file or postgres://…[?schema=NAME] (default: DATABASE_URL, else ${DEFAULT_DB_FILE})`,
  )
  .option(
    '--redis <url>',
    'redis://… : stock in Redis so several servers share one sale; several seed nodes (redis://a:7000,b:7001) for a Redis Cluster (default: REDIS_URL with a postgres db)',
  )
  .option(
    '--redis-prefix <prefix>',
    "with --redis: the sale's key prefix (default dacu:<the database's sale id>, so databases never share keys)",
  )
  .option(
    '--hot-sku <sku=buckets>',
    "with --redis: split a hot SKU's stock over this many slots when the sale's counters open, so a Redis Cluster spreads its rush (repeat for each SKU)",
    collect,
    [],
  )
  .option('--port <n>', 'port to listen on', String(DEFAULT_PORT))
  .option('--host <host>', 'address to listen on', DEFAULT_HOST)
  .option('--deadline-minutes <n>', 'payment deadline after placing an order', '30')
  .option('--deadline-seconds <n>', 'payment deadline in seconds (drills; wins over --deadline-minutes)')
  .option(
    '--reconcile-grace-seconds <n>',
    'with --redis: how long a reservation may wait for its order before it is released (default 30)',
  )
  .option('--channels <spec>', 'simulated channels, e.g. "alipay:latency=50,failure=0.3;wechat:latency=5"')
  .option(
    '--callback-secret <secret>',
    'the secret payment callbacks are signed with (default DACU_CALLBACK_SECRET, else a random one, shown once)',
  )
  .option('--buyer-limit <spec>', 'orders, payments and claims per buyer, e.g. 20/10s (the default), or off')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
  .option(
    '--trust-proxy <hops|addresses>',
    'behind a load balancer: how many proxies (1) or their addresses (10.0.0.0/8,…), so X-Forwarded-For names the client',
  )
  .option(
    '--durability <mode>',
    'full: fsync every commit (default); normal: survives a crash, not a power cut',
  )
  .option(
    '--operators <file>',
    'operator accounts JSON [{username, password | passwordHash, role}] for the cockpit',
  )
  .action(async (options) => serveCommand(options));

program
  .command('migrate')
  .description('create or upgrade the database schema (SQLite or PostgreSQL)')
  .option(
    '--db <file|url>',
    `SQLite file or postgres://…[?schema=NAME] (default: DATABASE_URL, else ${DEFAULT_DB_FILE})`,
  )
  .action(async (options) => console.log(await migrateCommand(options)));

const redis = program
  .command('redis')
  .description("a shared sale's Redis counters against its PostgreSQL orders (check, rebuild)");
for (const [name, description, run] of [
  [
    'check',
    "whether Redis still holds every unit, offer, budget and coupon claim the database's orders stand on (exit 1 if not)",
    redisCheckCommand,
  ],
  [
    'rebuild',
    "with every server stopped: count the sale's Redis counters again from the database (after Redis lost some)",
    redisRebuildCommand,
  ],
] as const) {
  const command = redis
    .command(name)
    .description(description)
    .requiredOption('--campaign <file>', "the sale's campaign YAML file")
    .option('--db <url>', "the sale's postgres://…[?schema=NAME] (default: DATABASE_URL)")
    .option('--redis <url>', "the sale's redis://… (default: REDIS_URL)")
    .option('--redis-prefix <prefix>', "the sale's key prefix (default dacu:<the database's sale id>)");
  if (name === 'rebuild')
    command.option(
      '--hot-sku <sku=buckets>',
      "lay a SKU out again in this many buckets (0: its store's slot); unnamed SKUs keep the layout Redis had (repeat for each SKU)",
      collect,
      [],
    );
  command.action(async (options) => {
    const result = await run(options);
    (result.exitCode === 0 ? console.log : console.error)(result.output);
    process.exitCode = result.exitCode;
  });
}

// Commander reports a missing required option before an unknown one, so a misspelt
// `check --campain x.yaml` would be told that --campaign is missing. The misspelling is named
// first, with commander's own "Did you mean --campaign?". The arguments are only read here
// (commander's parseOptions would store every value once more: a repeatable option twice).
// A command with commands of its own (`redis`) leaves its options to them.
const misspeltFirst = (_parent: Command, sub: Command) => {
  if (sub.commands.length > 0) return;
  const at = process.argv.indexOf(sub.name());
  const args = at >= 0 ? process.argv.slice(at + 1) : [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return;
    if (!arg.startsWith('--') || arg === '--help') continue;
    const [flag] = arg.split('=');
    const option = sub.options.find((o) => o.long === flag);
    if (!option) return (sub as Command & { unknownOption(flag: string): never }).unknownOption(flag!);
    if (option.required && !arg.includes('=')) i++; // its value, whatever it looks like
  }
};
program.hook('preSubcommand', misspeltFirst);
redis.hook('preSubcommand', misspeltFirst);

// `dacu check … | head`: the reader is gone, so what is left to print goes nowhere (no stack trace).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = error.exitCode;
}
