/**
 * Lua scripts that make the Redis counter store atomic. They mirror bucket.ts and memory-store.ts line by
 * line; time comes from Redis itself (TIME) so every gateway process sees one clock. Numbers cross the
 * Lua boundary as strings, because Redis truncates Lua numbers to integers on return.
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const REFILL = `local function level(key, cap, period)
  local h = redis.call('HMGET', key, 't', 'a')
  if not h[1] then return cap end
  return math.min(cap, tonumber(h[1]) + math.max(0, now - tonumber(h[2])) * cap / period)
end
local function store(key, tokens, cap, period)
  redis.call('HSET', key, 't', tostring(tokens), 'a', now)
  local ttl = math.ceil((cap - math.min(tokens, cap)) * period / cap) + 1000
  redis.call('PEXPIRE', key, ttl)
end`;

/** KEYS: buckets. ARGV: capacity, periodMs, cost for each. Returns {ok, waitMs, worstIndex, level…}. */
export const TAKE = `${NOW}
${REFILL}
local n = #KEYS
local levels = {}
local worst_wait, worst_i = -1, 0
for i = 1, n do
  local cap, period, cost = tonumber(ARGV[i*3-2]), tonumber(ARGV[i*3-1]), tonumber(ARGV[i*3])
  local tokens = level(KEYS[i], cap, period)
  levels[i] = tokens
  local ok = (cost > 0 and tokens >= cost) or (cost <= 0 and tokens > 0)
  if not ok then
    local need = cost
    if cost <= 0 then need = 1 end
    local wait = math.ceil((need - tokens) * period / cap)
    if wait > worst_wait then worst_wait, worst_i = wait, i end
  end
end
local out = {}
if worst_i > 0 then
  out = {0, worst_wait, worst_i}
else
  out = {1, 0, 0}
  for i = 1, n do
    local cap, period, cost = tonumber(ARGV[i*3-2]), tonumber(ARGV[i*3-1]), tonumber(ARGV[i*3])
    levels[i] = levels[i] - cost
    store(KEYS[i], levels[i], cap, period)
  end
end
for i = 1, n do out[#out + 1] = tostring(levels[i]) end
return out`;

/** KEYS: buckets. ARGV: capacity, periodMs, delta for each. */
export const ADJUST = `${NOW}
${REFILL}
for i = 1, #KEYS do
  local cap, period, delta = tonumber(ARGV[i*3-2]), tonumber(ARGV[i*3-1]), tonumber(ARGV[i*3])
  store(KEYS[i], math.min(cap, level(KEYS[i], cap, period) + delta), cap, period)
end
return 1`;

/** KEYS[1]: lease set. ARGV: limit, leaseId, leaseMs. */
export const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1`;

/** KEYS: spend totals. ARGV: budget, reserve, ttl for each. Returns {ok, index, spent}. */
export const RESERVE = `for i = 1, #KEYS do
  local spent = tonumber(redis.call('GET', KEYS[i]) or '0')
  if spent + tonumber(ARGV[i*3-1]) > tonumber(ARGV[i*3-2]) then return {0, i, tostring(spent)} end
end
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], ARGV[i*3-1])
  redis.call('PEXPIRE', KEYS[i], ARGV[i*3])
end
return {1, 0, '0'}`;

/** KEYS: spend totals. ARGV: delta, ttl for each. Never below zero. */
export const SETTLE = `for i = 1, #KEYS do
  local v = redis.call('INCRBY', KEYS[i], ARGV[i*2-1])
  if v < 0 then redis.call('SET', KEYS[i], 0) end
  redis.call('PEXPIRE', KEYS[i], ARGV[i*2])
end
return 1`;
