import { indexCampaign } from '../src/domain/campaign-index.ts';
import { parseCampaign } from '../src/domain/campaign-file.ts';
import { NOTHING_USED } from '../src/domain/offer-usage.ts';
import { chooseBestCoupons } from '../src/domain/quote/best-combination.ts';
import { parseCartInput } from '../src/domain/quote/cart-input.ts';
import { priceItems } from '../src/domain/quote/item-level.ts';
import { buildQuoteContext } from '../src/domain/quote/quote-context.ts';
import { priceWithChoice } from '../src/domain/quote/quote.ts';
import { readFileSync } from 'node:fs';
const text = readFileSync('/tmp/bench.yaml', 'utf8');
const p = parseCampaign(text, 'x'); if (!p.ok) throw 1;
const index = indexCampaign(p.campaign);
const cart = (JSON.parse(readFileSync('/tmp/bench-cart.json', 'utf8')));
const c = parseCartInput(cart, 'Asia/Shanghai'); if (!c.ok) throw 2;
const N = 200000;
function time(name: string, f: () => unknown) { for (let i = 0; i < 2000; i++) f(); const t = performance.now(); for (let i = 0; i < N; i++) f(); console.log(name, ((performance.now() - t) * 1000 / N).toFixed(1), 'µs'); }


const ctx = buildQuoteContext(index, c.cart, NOTHING_USED);

const best = chooseBestCoupons(ctx);
time('priceWithChoice', () => priceWithChoice(ctx, best.choice));
import { topUpHints } from '../src/domain/quote/hints.ts';
import { SubOrderLedger } from '../src/domain/quote/sub-order-ledger.ts';
import { runStoreStages } from '../src/domain/quote/store-stages.ts';


