// 预售 in the rehearsal (DOMAIN.md §2, PRICING.md "Pre-sale"): a shopper who arrives while a
// pre-sale takes deposits may put its SKU in the cart; the checkout then holds a pre-sale order of
// its own. They pay at once (the deposit, and any other store order in full), and most come back in
// the balance window to pay the balance; the others never do, and at the balance deadline the
// server forfeits the deposit and releases the unit. When they come back is drawn from the seed.
import { MIX } from './mix.ts';
import type { Random } from './random.ts';
import { isInside } from './sale-day.ts';
import type { ShopperWorld, Step } from './shopper.ts';
import { type Behaviour, payOne, type ShopperEnv, type ShopperSession } from './shopper-calls.ts';

/** Pure: the pre-sale SKU a shopper puts in the cart and the steps that follow the checkout. */
export function planPresale(
  world: ShopperWorld,
  random: Random,
  arrivalMs: number,
): { sku: string; steps: Step[] } | null {
  if (world.presales.length === 0) return null;
  const open = world.presales.filter((p) => isInside(p.deposit, arrivalMs) && world.bySku.has(p.sku));
  if (open.length === 0 || !random.chance(MIX.presaleShare)) return null;
  const presale = random.pick(open);
  const steps: Step[] = [{ do: 'pay-deposit' }];
  // Only a balance window the rehearsal reaches: the day ends at its last arrival.
  const from = Math.max(presale.balance.fromMs, arrivalMs);
  const to = Math.min(presale.balance.toMs, world.dayEndMs);
  if (to > from) {
    if (random.chance(MIX.balancePays)) {
      const atMs = from + Math.floor(random.float() * (to - from) * MIX.balanceWindowUsed);
      steps.push({ do: 'pay-balance', atMs });
    } else steps.push({ do: 'forfeit' });
  }
  return { sku: presale.sku, steps };
}

/** The pre-sale orders of the checkout whose deposit is in and whose balance is still owed. */
function owingBalance(env: ShopperEnv, session: ShopperSession) {
  return session.placed.filter((o) => env.book.expected[o.book] === 'deposit');
}

/** Pays the checkout now: the pre-sale order its deposit (定金), any other store order in full. */
export const payDeposit: Behaviour = async (env, session) => {
  for (const o of session.placed) await payOne(env, session, o);
};

/** 付尾款: leaves, comes back in the balance window, pays each balance owed. */
export const payBalance: Behaviour<Extract<Step, { do: 'pay-balance' }>> = async (env, session, step) => {
  if (owingBalance(env, session).length === 0) return;
  if (!(await env.comeBackAt(step.atMs))) {
    env.book.counts.balancesCutShort += owingBalance(env, session).length; // the run stopped first
    return;
  }
  for (const o of owingBalance(env, session)) await payOne(env, session, o, 'balance');
};

/** Never pays the balance: the deposit is forfeited at the balance deadline, the unit goes back. */
export const forfeit: Behaviour = async (env, session) => {
  env.book.counts.balancesSkipped += owingBalance(env, session).length;
};
