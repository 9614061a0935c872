// The Lua scripts of the hot ledger. Each runs inside one slot. KEYS[1] is a record (a reservation
// `<base>:res:<orderId>`, a budget take, a coupon claim) or a counter (ioredis and Redis Cluster
// route by it) and every other key is derived from its base `<prefix>:{tag}` with the suffixes of
// redis-keys.ts. Deriving instead of declaring lets commit and release find a reservation's lines
// from its record in one call, and keeps the hot path's arguments few; all derived keys carry the
// same hash tag, so they are local to the slot the script runs in.
//
// Reservation records are flat hashes (`l:<sku>` qty, `o:<offerId>` units, `b:<sku>` bucket) rather
// than JSON, so the hot path pays no cjson encode/decode.

/** What the reserve script answers, as the first element of its reply. */
export const reserveReply = {
  taken: 0,
  unknownSku: 1,
  outOfStock: 2,
  unknownOffer: 3,
  soldOut: 4,
  limitReached: 5,
  alreadyReleased: 6,
  replayed: 7,
} as const;

export type ScriptReplyCode = (typeof reserveReply)[keyof typeof reserveReply];

/**
 * Reserve every line and offer take of one store order in one slot, or nothing.
 * KEYS: record. ARGV: orderId, at, buyerId, lineCount, takeCount,
 * then lineCount × (sku, qty), takeCount × (offerId, units, perBuyer or -1), then (sku, bucket) pairs
 * naming the hot-SKU buckets used by this order (kept in the record for commit and release).
 */
export const RESERVE_LUA = `
-- Replies {code, …}: the codes of reserveReply in scripts.ts.
local state = redis.call('HGET', KEYS[1], 'state')
if state then
  if state == 'released' then return {6} end
  return {7}
end
-- The slot's base: the record key without its ':res:<orderId>' suffix.
local base = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 5)
local buyer = ARGV[3]
local lineEnd = 6 + 2 * tonumber(ARGV[4])
local takeEnd = lineEnd + 3 * tonumber(ARGV[5])
for i = 6, lineEnd - 1, 2 do
  local available = redis.call('HGET', base .. ':stock:' .. ARGV[i], 'available')
  if not available then return {1, ARGV[i]} end
  available = tonumber(available)
  if available < tonumber(ARGV[i + 1]) then return {2, ARGV[i], available} end
end
for i = lineEnd, takeEnd - 1, 3 do
  local offer = base .. ':offer:' .. ARGV[i]
  local left = redis.call('HGET', offer, 'left')
  if not left then return {3, ARGV[i]} end
  left = tonumber(left)
  if left == 0 then return {4, ARGV[i], 0} end
  local units, perBuyer = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  if perBuyer >= 0 then
    local bought = tonumber(redis.call('HGET', offer .. ':bought', buyer) or '0')
    if bought + units > perBuyer then return {5, ARGV[i], perBuyer} end
  end
  if left < units then return {4, ARGV[i], left} end
end
local record = {'state', 'reserved', 'at', ARGV[2], 'buyer', buyer}
for i = 6, lineEnd - 1, 2 do
  local stock, qty = base .. ':stock:' .. ARGV[i], tonumber(ARGV[i + 1])
  redis.call('HINCRBY', stock, 'available', -qty)
  redis.call('HINCRBY', stock, 'reserved', qty)
  record[#record + 1] = 'l:' .. ARGV[i]
  record[#record + 1] = ARGV[i + 1]
end
for i = lineEnd, takeEnd - 1, 3 do
  local offer, units = base .. ':offer:' .. ARGV[i], tonumber(ARGV[i + 1])
  redis.call('HINCRBY', offer, 'left', -units)
  redis.call('HINCRBY', offer .. ':bought', buyer, units)
  record[#record + 1] = 'o:' .. ARGV[i]
  record[#record + 1] = ARGV[i + 1]
end
for i = takeEnd, #ARGV, 2 do
  record[#record + 1] = 'b:' .. ARGV[i]
  record[#record + 1] = ARGV[i + 1]
end
redis.call('HSET', KEYS[1], unpack(record))
redis.call('ZADD', base .. ':open', ARGV[2], ARGV[1])
return {0}
`;

/**
 * Finish a reservation: commit (payment: reserved → sold), release (cancel or expiry: reserved →
 * available, offers given back) or drop (undo of a bucket part whose store order failed: like
 * release, and the record is deleted as if the attempt never happened, so a retry starts clean).
 * Only a reserved record moves; a finished one answers its state unchanged, so repeats answer the
 * same and commit-after-release / release-after-commit are refused by the caller comparing states.
 * KEYS: record. ARGV: orderId, mode, finished-record TTL in seconds (0 = keep),
 * '1' to leave a released tombstone when the record is missing (fences a reserve still in flight).
 * Replies {state, sku, bucket, …} with the hot-SKU buckets the record names, or {'missing'}.
 */
export const FINISH_LUA = `
local fields = redis.call('HGETALL', KEYS[1])
local base = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 5)
local mode, ttl = ARGV[2], tonumber(ARGV[3])
if #fields == 0 then
  if mode == 'release' and ARGV[4] == '1' then
    redis.call('HSET', KEYS[1], 'state', 'released')
    if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
  end
  return {'missing'}
end
local state
local buckets = {}
for i = 1, #fields, 2 do
  if fields[i] == 'state' then state = fields[i + 1] end
  if string.sub(fields[i], 1, 2) == 'b:' then
    buckets[#buckets + 1] = string.sub(fields[i], 3)
    buckets[#buckets + 1] = fields[i + 1]
  end
end
if state ~= 'reserved' then
  table.insert(buckets, 1, state)
  return buckets
end
local buyer
for i = 1, #fields, 2 do
  if fields[i] == 'buyer' then buyer = fields[i + 1] end
end
local into = 'available'
if mode == 'commit' then into = 'sold' end
for i = 1, #fields, 2 do
  local kind, id = string.sub(fields[i], 1, 2), string.sub(fields[i], 3)
  if kind == 'l:' then
    local stock, qty = base .. ':stock:' .. id, tonumber(fields[i + 1])
    redis.call('HINCRBY', stock, 'reserved', -qty)
    redis.call('HINCRBY', stock, into, qty)
  elseif kind == 'o:' and mode ~= 'commit' then
    local offer, units = base .. ':offer:' .. id, tonumber(fields[i + 1])
    redis.call('HINCRBY', offer, 'left', units)
    if redis.call('HINCRBY', offer .. ':bought', buyer, -units) <= 0 then
      redis.call('HDEL', offer .. ':bought', buyer)
    end
  end
end
redis.call('ZREM', base .. ':open', ARGV[1])
if mode == 'drop' then
  redis.call('DEL', KEYS[1])
  return {'dropped'}
end
local done = 'released'
if mode == 'commit' then done = 'sold' end
redis.call('HSET', KEYS[1], 'state', done)
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
table.insert(buckets, 1, done)
return buckets
`;

/** Create a counter hash only if absent: opening is restart-safe and never resets live counts.
 * KEYS: counter hash. ARGV: field, value pairs. Replies 1 if created, 0 if it was there. */
export const OPEN_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

/** Returned or newly arrived goods. KEYS: stock hash. ARGV: qty. Replies 0 for an unknown SKU. */
export const RESTOCK_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'restocked', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'available', ARGV[1])
return 1
`;

/** What the restock-once script answers. */
export const restockReply = {
  unknownSku: 0,
  applied: 1,
  alreadyApplied: 2,
  otherUnits: 3,
} as const;

/**
 * A restock applied once per restock id (an operator action recorded in PostgreSQL), whoever applies
 * it and however often. The ids seen are kept beside the stock hash, in its slot, with the units
 * they stand for. Mode 'apply' adds `units` to the stock; mode 'claim' only records the id (the store
 * slot of a hot SKU, whose stock lives in bucket slots that each apply their share once).
 * KEYS: stock hash. ARGV: units of this slot, restockId, units of the whole restock, mode.
 * Replies the codes of restockReply; otherUnits when the id was seen with other units.
 */
export const RESTOCK_ONCE_LUA = `
local restocks = KEYS[1] .. ':restocks'
local seen = redis.call('HGET', restocks, ARGV[2])
if seen then
  if seen ~= ARGV[3] then return 3 end
  return 2
end
if ARGV[4] == 'apply' then
  if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
  redis.call('HINCRBY', KEYS[1], 'restocked', ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'available', ARGV[1])
end
redis.call('HSET', restocks, ARGV[2], ARGV[3])
return 1
`;

/** What the budget-take script answers, as the first element of its reply. */
export const budgetReply = {
  taken: 0,
  replayed: 1,
  spent: 2,
  unknownBudget: 3,
  otherAmount: 4,
} as const;

/**
 * Spend from one promotion's or coupon's budget for one order, at most once per (budget, order).
 * As in domain/offer-usage.ts, a budget applies while anything is left: the last use is taken
 * whole and may overshoot it (the shopper was promised the discount the quote showed).
 * A take still held (taken, or kept at payment) answers replayed; a take given back is taken anew,
 * so a checkout retried after its rollback, or after the reconciler gave it back, holds its spend
 * again (and is open again, for the reconciler to look at once more).
 * KEYS: take record `<base>:take:<orderId>`. ARGV: orderId, spentFen, at, mode (`replay`: a rebuild
 * counting again a spend PostgreSQL holds takes it whatever is left).
 * Replies {taken} | {replayed} | {spent, leftFen} | {unknownBudget} | {otherAmount, recordedFen}.
 * Amounts go to Redis as the caller's strings: a Lua number would print large fen as 1.2e+14.
 */
export const BUDGET_TAKE_LUA = `
local base = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 6)
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'taken' or state == 'kept' then
  local recorded = redis.call('HGET', KEYS[1], 'spentFen')
  if recorded ~= ARGV[2] then return {4, recorded} end
  return {1}
end
local budget = base .. ':budget'
local left = redis.call('HGET', budget, 'leftFen')
if not left then return {3} end
if ARGV[4] ~= 'replay' and tonumber(left) <= 0 then return {2, left} end
redis.call('HINCRBY', budget, 'leftFen', '-' .. ARGV[2])
redis.call('PERSIST', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'taken', 'spentFen', ARGV[2], 'at', ARGV[3])
redis.call('ZADD', base .. ':takes', ARGV[3], ARGV[1])
return {0}
`;

/**
 * Finish a budget take: 'give' (the order closed unpaid or never reached PostgreSQL: the spend
 * comes back) or 'keep' (the order was paid: the spend stays). Only a take still open moves, so both
 * are idempotent and a kept take is never given back. A take given back and then kept was paid
 * after the reconciler gave it back (its write outlasted the grace period): it is spent again, as
 * the paid order did spend it.
 * KEYS: take record. ARGV: orderId, mode, finished-record TTL in seconds (0 = keep).
 * Replies 1 when this call moved the take, 0 otherwise.
 */
export const BUDGET_FINISH_LUA = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 0 end
local base = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 6)
local budget = base .. ':budget'
if ARGV[2] == 'give' then
  if state ~= 'taken' then return 0 end
  redis.call('HINCRBY', budget, 'leftFen', redis.call('HGET', KEYS[1], 'spentFen'))
  redis.call('HSET', KEYS[1], 'state', 'givenBack')
else
  if state == 'kept' then return 0 end
  if state == 'givenBack' then
    redis.call('HINCRBY', budget, 'leftFen', '-' .. redis.call('HGET', KEYS[1], 'spentFen'))
  end
  redis.call('HSET', KEYS[1], 'state', 'kept')
end
redis.call('ZREM', base .. ':takes', ARGV[1])
local ttl = tonumber(ARGV[3])
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
`;

/** What the coupon-claim script answers, as the first element of its reply. */
export const claimReply = {
  claimed: 0,
  replayed: 1,
  soldOut: 2,
  limitReached: 3,
  otherBuyer: 4,
} as const;

/**
 * Claim one coupon (领券) into one wallet, within the issue cap and the per-buyer cap, at most once
 * per wallet. A claim still held (open, or written to PostgreSQL) answers replayed; a claim given
 * back is claimed anew, like a budget take.
 * KEYS: claim record `<base>:claim:<walletId>`. ARGV: walletId, buyerId, total (-1 = no cap),
 * perBuyer, at. Replies {claimed} | {replayed} | {soldOut, total} | {limitReached, perBuyer} |
 * {otherBuyer, buyerId}.
 */
export const COUPON_CLAIM_LUA = `
local base = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 7)
local state, buyer = unpack(redis.call('HMGET', KEYS[1], 'state', 'buyer'))
if state == 'open' or state == 'written' then
  if buyer ~= ARGV[2] then return {4, buyer} end
  return {1}
end
local counts = base .. ':counts'
local total, byBuyer = unpack(redis.call('HMGET', counts, 'total', 'b:' .. ARGV[2]))
local cap, perBuyer = tonumber(ARGV[3]), tonumber(ARGV[4])
if cap >= 0 and tonumber(total or '0') >= cap then return {2, cap} end
if tonumber(byBuyer or '0') >= perBuyer then return {3, perBuyer} end
redis.call('HINCRBY', counts, 'total', 1)
redis.call('HINCRBY', counts, 'b:' .. ARGV[2], 1)
redis.call('PERSIST', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'open', 'buyer', ARGV[2], 'at', ARGV[5])
redis.call('ZADD', base .. ':claims', ARGV[5], ARGV[1])
return {0}
`;

/**
 * Finish a claim: 'written' (the wallet row is in PostgreSQL: kept for good) or 'unclaim' (the row
 * never got there: the claim is given back). Only an open claim is given back. A claim given back
 * and then written had its row land after the reconciler gave it back: PostgreSQL holds the coupon,
 * so it is counted again, even past the cap (the counts stay true and later claims are refused).
 * KEYS: claim record. ARGV: walletId, mode, finished-record TTL in seconds (0 = keep).
 * Replies 1 when this call moved the claim, 0 otherwise.
 */
export const COUPON_FINISH_LUA = `
local state, buyer = unpack(redis.call('HMGET', KEYS[1], 'state', 'buyer'))
if not state then return 0 end
local base = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 7)
local counts = base .. ':counts'
if ARGV[2] == 'unclaim' then
  if state ~= 'open' then return 0 end
  redis.call('HINCRBY', counts, 'total', -1)
  if redis.call('HINCRBY', counts, 'b:' .. buyer, -1) <= 0 then redis.call('HDEL', counts, 'b:' .. buyer) end
  redis.call('HSET', KEYS[1], 'state', 'unclaimed')
else
  if state == 'written' then return 0 end
  if state == 'unclaimed' then
    redis.call('HINCRBY', counts, 'total', 1)
    redis.call('HINCRBY', counts, 'b:' .. buyer, 1)
  end
  redis.call('HSET', KEYS[1], 'state', 'written')
end
redis.call('ZREM', base .. ':claims', ARGV[1])
local ttl = tonumber(ARGV[3])
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
`;
