/** The Lua scripts of RedisStore. Each opens with its KEYS, ARGV and what it returns. */

/**
 * commit — check, write, number, record and publish one blog change atomically.
 * KEYS: 1 blog, 2 entries, 3 timeline, 4 keyevents, 5 pinned, 6 seq, 7 epoch, 8 log, 9 idempotency key,
 *       10 stream (the events as a Redis Stream for other services: id <seq>-0, field `event`, trimmed
 *       to the same length as the log; a new epoch starts it afresh, as it does the log),
 *       11 drafts (SPEC §10: a published draft leaves it in this commit)
 *       12 revisions (SPEC §10: hash, field entry id → JSON array of its published versions, oldest
 *       first; a version is appended as text, so the stored JSON is never re-encoded by cjson)
 * ARGV: 1 instructions JSON {requireBlog, expect:[{id,version}], expectPinned?, puts:[{id,json,key}],
 *         revs:[{id,json}], dels:[id] (their revisions go too), pin?, blog?, events:[{head,tail}],
 *         idem?:{json,ttl}}
 *       2 channel, 3 epoch to use if the blog has none yet, 4 event-log length kept,
 *       5 deadline in Redis time (ms since the epoch by Redis's TIME; 0 = none): a commit that Redis gets
 *         to run only after it changes nothing — its caller has already answered `unavailable` (SPEC §4),
 *       6 publish command: 'PUBLISH', or 'SPUBLISH' on a Redis Cluster (sharded pub/sub on this shard;
 *         the channel carries the same {blogId} hash tag as the KEYS, so it is this slot's); absent = PUBLISH
 *       7 the private desk channel; instructions' draft?:{id,version,message}: the draft must be at
 *         that version (else not_found / conflict with its id), is deleted and `message` published there
 *         (plain PUBLISH even on a Cluster: desk traffic is small and every instance hears it with one
 *         PSUBSCRIBE)
 * Returns {'expired'} | {'ok', seq, epoch} | {'duplicate', entryJson} | {'not_found'} | {'conflict', entryId}
 *   | {'pin_conflict', pinnedId or ''} — the CommitResult statuses of store.ts, nothing else
 * The event JSON is head .. seq .. ',"cursor":"<epoch>.<seq>"' .. tail, built by the caller's halves.
 */
export const COMMIT_LUA = `
local deadline = tonumber(ARGV[5])
if deadline > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > deadline then return {'expired'} end
end
local op = cjson.decode(ARGV[1])
if op.idem then
  local hit = redis.call('GET', KEYS[9])
  if hit then return {'duplicate', hit} end
end
if op.requireBlog and redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
for _, ex in ipairs(op.expect) do
  local cur = redis.call('HGET', KEYS[2], ex.id)
  if not cur then
    if ex.version > 0 then return {'not_found'} end
  elseif cjson.decode(cur).version ~= ex.version then
    return {'conflict', ex.id}
  end
end
if op.draft then
  local d = redis.call('HGET', KEYS[11], op.draft.id)
  if not d then return {'not_found'} end
  if cjson.decode(d).version ~= op.draft.version then return {'conflict', op.draft.id} end
end
if op.expectPinned then
  local p = redis.call('GET', KEYS[5]) or ''
  if p ~= op.expectPinned then return {'pin_conflict', p} end
end
for _, put in ipairs(op.puts) do
  redis.call('HSET', KEYS[2], put.id, put.json)
  redis.call('ZADD', KEYS[3], 0, put.id)
  if put.key then redis.call('ZADD', KEYS[4], 0, put.id) else redis.call('ZREM', KEYS[4], put.id) end
end
for _, rev in ipairs(op.revs) do
  local old = redis.call('HGET', KEYS[12], rev.id)
  if old then
    redis.call('HSET', KEYS[12], rev.id, string.sub(old, 1, -2) .. ',' .. rev.json .. ']')
  else
    redis.call('HSET', KEYS[12], rev.id, '[' .. rev.json .. ']')
  end
end
for _, id in ipairs(op.dels) do
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[12], id)
  redis.call('ZREM', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
end
if op.pin then
  if op.pin == '' then redis.call('DEL', KEYS[5]) else redis.call('SET', KEYS[5], op.pin) end
end
if op.blog then redis.call('SET', KEYS[1], op.blog) end
local epoch = redis.call('GET', KEYS[7])
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[7], epoch)
  redis.call('DEL', KEYS[6], KEYS[8], KEYS[10])
end
local publish = ARGV[6] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
local seq = tonumber(redis.call('GET', KEYS[6]) or '0')
for _, ev in ipairs(op.events) do
  seq = redis.call('INCR', KEYS[6])
  local json = ev.head .. seq .. ',"cursor":"' .. epoch .. '.' .. seq .. '"' .. ev.tail
  redis.call('RPUSH', KEYS[8], json)
  redis.call('XADD', KEYS[10], 'MAXLEN', '~', ARGV[4], seq .. '-0', 'event', json)
  redis.call(publish, ARGV[2], json)
end
redis.call('LTRIM', KEYS[8], -tonumber(ARGV[4]), -1)
if op.idem then redis.call('SET', KEYS[9], op.idem.json, 'EX', op.idem.ttl) end
if op.draft then
  redis.call('HDEL', KEYS[11], op.draft.id)
  redis.call('PUBLISH', ARGV[7], op.draft.message)
end
return {'ok', seq, epoch}
`;

/**
 * snapshot — a consistent view of a blog at one seq.
 * KEYS: 1 blog, 2 entries, 3 timeline, 4 pinned, 5 seq, 6 epoch
 * ARGV: 1 number of newest entries (0 = none: ZREVRANGE 0 -1 would mean all)
 * Returns false for an unknown blog, else {blogJson, seq, epoch, total, pinnedJson or '', entryJson...}
 */
export const SNAPSHOT_LUA = `
local blog = redis.call('GET', KEYS[1])
if not blog then return false end
local out = {blog, tonumber(redis.call('GET', KEYS[5]) or '0'), redis.call('GET', KEYS[6]) or '',
  redis.call('ZCARD', KEYS[3]), ''}
local pinned = redis.call('GET', KEYS[4])
if pinned then out[5] = redis.call('HGET', KEYS[2], pinned) or '' end
local limit = tonumber(ARGV[1])
local ids = {}
if limit > 0 then ids = redis.call('ZREVRANGE', KEYS[3], 0, limit - 1) end
if #ids > 0 then
  local rows = redis.call('HMGET', KEYS[2], unpack(ids))
  for i = 1, #rows do if rows[i] then out[#out + 1] = rows[i] end end
end
return out
`;

/**
 * page — entries older than an id (ids sort like createdAt), newest first.
 * KEYS: 1 entries, 2 timeline or keyevents
 * ARGV: 1 exclusive upper bound as a lex range ('(<id>' or '+'), 2 limit
 * Returns {hasMore (0/1), entryJson...}
 */
export const PAGE_LUA = `
local limit = tonumber(ARGV[2])
local ids = redis.call('ZREVRANGEBYLEX', KEYS[2], ARGV[1], '-', 'LIMIT', 0, limit + 1)
local out = {0}
if #ids > limit then out[1] = 1; ids[#ids] = nil end
if #ids > 0 then
  local rows = redis.call('HMGET', KEYS[1], unpack(ids))
  for i = 1, #rows do if rows[i] then out[#out + 1] = rows[i] end end
end
return out
`;

/**
 * events — every event after a seq of an epoch, when the log still holds them all.
 * KEYS: 1 seq, 2 epoch, 3 log
 * ARGV: 1 epoch, 2 after-seq
 * Returns false when not resumable, else {eventJson...} oldest first.
 */
export const EVENTS_LUA = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return false end
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local after = tonumber(ARGV[2])
if after > seq then return false end
local missing = seq - after
if missing == 0 then return {} end
if missing > redis.call('LLEN', KEYS[3]) then return false end
return redis.call('LRANGE', KEYS[3], -missing, -1)
`;

/**
 * draftWrite — save or delete one draft at an expected version, and announce it on the desk channel.
 * KEYS: 1 blog, 2 drafts
 * ARGV: 1 draft id, 2 expected version (0 = must not exist), 3 draft JSON ('' = delete), 4 desk channel,
 *       5 message JSON
 * Returns {'ok'} | {'not_found'} (no blog, or no such draft) | {'conflict'}
 */
export const DRAFT_WRITE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
local cur = redis.call('HGET', KEYS[2], ARGV[1])
local expected = tonumber(ARGV[2])
if not cur then
  if expected > 0 then return {'not_found'} end
elseif expected == 0 or cjson.decode(cur).version ~= expected then
  return {'conflict'}
end
if ARGV[3] == '' then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return {'ok'}
`;

/**
 * scheduleClaim — claim the due members of the schedule: each gets the score `lease until`, so no other
 * instance claims it until then (and another does, once the claimer died).
 * KEYS: 1 schedule
 * ARGV: 1 now (ms), 2 lease until (ms), 3 max members
 * Returns {member...}
 */
export const SCHEDULE_CLAIM_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], m) end
return due
`;

/**
 * scheduleDone — remove a claimed member unless it was rescheduled since (its score is not the claim).
 * KEYS: 1 schedule
 * ARGV: 1 member, 2 the claim's score
 * Returns 1 when removed, else 0
 */
export const SCHEDULE_DONE_LUA = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`;

/**
 * readers — one instance's reader counts for a batch of blogs, and each blog's total over every live
 * instance. A blog's readers hash holds one field per instance, value `<count>:<expiresAtMs>` (Redis time),
 * so a crashed instance's share expires without anyone cleaning up.
 * The field is rewritten only when the count differs from the stored one or less than ARGV[3] ms of its
 * life is left: a steady count costs no write (no keyspace change, no replication, no AOF) on most calls.
 * A count of 0 deletes the field (an instance that stopped serving a blog leaves no share behind).
 * Expired fields of other instances are deleted as they are met.
 * KEYS: the blogs' readers hashes (any number; on a Cluster one per call, as each blog has its own slot)
 * ARGV: 1 instance id, 2 ttl (ms) of a written field, 3 refresh margin (ms), then one count per key, in
 *       KEYS order
 * Returns {total...}: per key, the sum of the unexpired counts of the other instances plus this one's.
 */
export const READERS_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local me, ttl, margin = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local totals = {}
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[3 + i])
  local flat = redis.call('HGETALL', key)
  -- mineCount nil: no field of ours; -1: an unreadable one (rewritten or deleted below).
  local total, mineCount, mineExpires = 0, nil, 0
  for j = 1, #flat, 2 do
    -- string.find and sub rather than string.match: this loop is the script's cost, per blog and field.
    local value = flat[j + 1]
    local colon = string.find(value, ':', 1, true)
    local c, e
    if colon then c, e = tonumber(string.sub(value, 1, colon - 1)), tonumber(string.sub(value, colon + 1)) end
    if flat[j] == me then
      mineCount, mineExpires = c or -1, e or 0
    elseif c and e and e > now then
      total = total + c
    else
      redis.call('HDEL', key, flat[j])
    end
  end
  if count > 0 then
    if mineCount ~= count or mineExpires - now < margin then
      redis.call('HSET', key, me, count .. ':' .. (now + ttl))
      -- Only ever extend the key's life: another instance may have written a longer-lived field.
      if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
    end
    total = total + count
  elseif mineCount then
    redis.call('HDEL', key, me)
  end
  totals[i] = total
end
return totals
`;
