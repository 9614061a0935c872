import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuyerFunnel, FUNNEL_STEPS } from './buyer-funnel.ts';

describe('the funnel in shoppers', () => {
  it('counts each shopper once per step, up to the furthest step reached', () => {
    const funnel = new BuyerFunnel(100);
    funnel.reach('u1', 'visited');
    funnel.reach('u1', 'visited'); // a second page view: the same visitor
    funnel.reach('u1', 'priced');
    funnel.reach('u2', 'ordered'); // bought at once: visited and priced too
    funnel.reach('u2', 'paid');
    funnel.reach('u2', 'priced'); // a later cart does not take the buyer back
    funnel.reach('u3', 'visited');
    expect(funnel.snapshot()).toEqual({ visited: 3, priced: 2, ordered: 1, paid: 1 });
  });

  it('never shows a step with more shoppers than the one before, whatever the order of events', () => {
    const touch = fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom(...FUNNEL_STEPS));
    fc.assert(
      fc.property(fc.array(touch, { maxLength: 200 }), (touches) => {
        const funnel = new BuyerFunnel(1_000);
        for (const [buyer, step] of touches) funnel.reach(`u${buyer}`, step);
        const { visited, priced, ordered, paid } = funnel.snapshot();
        expect(visited).toBeGreaterThanOrEqual(priced);
        expect(priced).toBeGreaterThanOrEqual(ordered);
        expect(ordered).toBeGreaterThanOrEqual(paid);
        // Exactly the shoppers seen, and exactly those who reached each step.
        const furthest = new Map<number, number>();
        for (const [buyer, step] of touches)
          furthest.set(buyer, Math.max(furthest.get(buyer) ?? -1, FUNNEL_STEPS.indexOf(step)));
        expect(visited).toBe(furthest.size);
        expect(paid).toBe([...furthest.values()].filter((s) => s === 3).length);
      }),
    );
  });

  it('is bounded: a shopper past the bound is left out of every step, and counted as left out', () => {
    const funnel = new BuyerFunnel(2);
    funnel.reach('u1', 'visited');
    funnel.reach('u2', 'paid');
    expect(funnel.reach('u3', 'paid')).toBe(false);
    expect(funnel.reach('u1', 'ordered')).toBe(true); // known shoppers still move on
    expect(funnel.snapshot()).toEqual({ visited: 2, priced: 2, ordered: 2, paid: 1 });
    expect(funnel.uncounted).toBe(1);
  });

  it('takes the first two steps sale-wide from the other servers, each step within the one before', () => {
    const funnel = new BuyerFunnel(100);
    funnel.reach('u1', 'visited');
    funnel.reach('u2', 'ordered'); // placed on this server: visited and priced here too
    funnel.reach('u3', 'paid');
    expect(funnel.snapshot({ visited: 40, priced: 9 })).toEqual({
      visited: 40,
      priced: 9,
      ordered: 2,
      paid: 1,
    });
    // The sale-wide figures lag what this server has not sent yet: the larger figure wins.
    expect(funnel.snapshot({ visited: 1, priced: 0 })).toEqual({
      visited: 3,
      priced: 2,
      ordered: 2,
      paid: 1,
    });
    // A sale-wide priced step above this server's visitors lifts its visited step with it.
    expect(funnel.snapshot({ visited: 2, priced: 5 })).toEqual({
      visited: 5,
      priced: 5,
      ordered: 2,
      paid: 1,
    });
  });
});
