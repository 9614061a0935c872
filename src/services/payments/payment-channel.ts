// The port every payment channel sits behind (ARCHITECTURE.md, data flow step 5): the failover
// logic in pay-with-failover.ts knows channels only through this interface, so a simulated channel
// and a real gateway adapter are interchangeable.

/** One charge for one checkout: the buyer pays every store order of the checkout at once. */
export interface PaymentRequest {
  /** Stays the same across every channel tried, so a late success on an abandoned channel can be
   * matched by its callback and refunded (callbacks are idempotent on this id). */
  paymentId: string;
  orderIds: string[];
  buyerId: string;
  amountFen: number;
}

/**
 * What a channel answered. `declined` is the shopper's bank saying no (not the channel's fault, so
 * no failover); `error` is the channel failing (another channel may still succeed).
 */
export type ChannelOutcome = { ok: true; channelRef: string } | { ok: false; reason: 'declined' | 'error' };

/**
 * Give back a charge the sale could not book (its order closed meanwhile, or its commit failed).
 * Idempotent on `paymentId`: asking again for a refund already made answers the same refund.
 */
export interface RefundRequest {
  paymentId: string;
  /** The channel's reference of the charge being given back. */
  channelRef: string;
  amountFen: number;
}

export type RefundOutcome = { ok: true; refundRef: string } | { ok: false; reason: 'error' };

export interface PaymentChannel {
  readonly name: string;
  /** Must stop work and settle promptly when `signal` aborts: the caller has stopped waiting. */
  charge(request: PaymentRequest, signal: AbortSignal): Promise<ChannelOutcome>;
  /** Same contract on `signal`; a refund that errs or times out may be asked again. */
  refund(request: RefundRequest, signal: AbortSignal): Promise<RefundOutcome>;
}
