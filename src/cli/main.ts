// The dacu command line.
import { Command } from 'commander';
import { CliError } from './cli-error.ts';
import { checkCommand } from './commands/check.ts';
import { demoCommand } from './commands/demo.ts';
import { migrateCommand } from './commands/migrate.ts';
import { quoteCommand } from './commands/quote.ts';
import { DEFAULT_DB_FILE, DEFAULT_HOST, DEFAULT_PORT, serveCommand } from './commands/serve.ts';

const program = new Command()
  .name('dacu')
  .description("dacu (大促): run a Singles' Day scale sale — plan, price, sell, watch, rehearse")
  .showHelpAfterError();

program
  .command('quote')
  .description('price a cart: 试算 (PRICING.md contract)')
  .requiredOption('--campaign <file>', 'campaign YAML file')
  .requiredOption('--cart <file>', 'cart JSON file')
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
  .description('run the demo campaign (examples/demo)')
  .action(async () => console.log(await demoCommand()));

program
  .command('serve')
  .description('serve the HTTP API (SQLite in process); OpenAPI docs at /docs')
  .requiredOption('--campaign <file>', 'campaign YAML file')
  .option('--db <file>', 'SQLite database file', DEFAULT_DB_FILE)
  .option('--port <n>', 'port to listen on', String(DEFAULT_PORT))
  .option('--host <host>', 'address to listen on', DEFAULT_HOST)
  .option('--deadline-minutes <n>', 'payment deadline after placing an order', '30')
  .option('--channels <spec>', 'simulated channels, e.g. "alipay:latency=50,failure=0.3;wechat:latency=5"')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
  .action(async (options) => serveCommand(options));

program
  .command('migrate')
  .description('create or upgrade the SQLite database schema')
  .option('--db <file>', 'SQLite database file', DEFAULT_DB_FILE)
  .action(async (options) => console.log(await migrateCommand(options)));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = error.exitCode;
}
