// Turns the reserve script's reply (a code and its details, see scripts.ts) into a typed result.
import type { ScriptReply } from './hot-scripts.ts';
import type { HotReserveFailure, HotReserveResult } from './hot-types.ts';
import { reserveReply, type ScriptReplyCode } from './scripts.ts';

export function isTaken(reply: ScriptReply): boolean {
  return reply[0] === reserveReply.taken || reply[0] === reserveReply.replayed;
}

export function decodeReserve(reply: ScriptReply): HotReserveResult {
  return isTaken(reply) ? { ok: true } : decodeReserveFailure(reply);
}

export function decodeReserveFailure(reply: ScriptReply): HotReserveFailure {
  const code = reply[0] as ScriptReplyCode;
  const id = String(reply[1]);
  switch (code) {
    case reserveReply.unknownSku:
      return { ok: false, code: 'UNKNOWN_SKU', sku: id };
    case reserveReply.outOfStock:
      return { ok: false, code: 'OUT_OF_STOCK', sku: id, available: Number(reply[2]) };
    case reserveReply.unknownOffer:
      return { ok: false, code: 'UNKNOWN_OFFER', offerId: id };
    case reserveReply.soldOut:
      return { ok: false, code: 'FLASH_SOLD_OUT', offerId: id, left: Number(reply[2]) };
    case reserveReply.limitReached:
      return { ok: false, code: 'FLASH_LIMIT_REACHED', offerId: id, perBuyer: Number(reply[2]) };
    case reserveReply.alreadyReleased:
      return { ok: false, code: 'ALREADY_RELEASED' };
    default:
      throw new Error(`unexpected reply from the reserve script: ${JSON.stringify(reply)}`);
  }
}
