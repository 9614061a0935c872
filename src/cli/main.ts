// The dacu command line.
import { Command } from 'commander';
import { CliError } from './cli-error.ts';
import { checkCommand } from './commands/check.ts';
import { demoCommand } from './commands/demo.ts';
import { quoteCommand } from './commands/quote.ts';

const program = new Command()
  .name('dacu')
  .description('dacu (大促): run a Singles\' Day scale sale — plan, price, sell, watch, rehearse')
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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = error.exitCode;
}
