// dacu demo: the demo campaign end to end on what exists so far — validate it, show the margin
// report and price the demo cart.
import { fileURLToPath } from 'node:url';
import { checkCommand } from './check.ts';
import { quoteCommand } from './quote.ts';

const demoDir = fileURLToPath(new URL('../../../examples/demo/', import.meta.url));

export async function demoCommand(): Promise<string> {
  const campaign = `${demoDir}campaign.yaml`;
  return [
    await checkCommand({ campaign }),
    '',
    await quoteCommand({ campaign, cart: `${demoDir}cart.json` }),
  ].join('\n');
}
