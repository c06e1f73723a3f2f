"""The Lua scripts of :class:`~agentrt.sessions.redis_store.RedisStore`.

Redis runs a script whole, with no other command in between: each write below is
atomic, and a server that dies mid-way leaves all of it or none of it (an AOF keeps a
script's writes as one MULTI/EXEC). Keys of one session: ``TURNS`` (a list of turn
JSON, a turn's index is its position) and ``META`` (a hash: created_at, updated_at);
``INDEX`` is a sorted set of every session id, for ``list``. TTL (milliseconds, 0 for
none) is set on a session's keys at each write.
"""

from __future__ import annotations

__all__ = ["APPEND", "BRANCH", "DELETE", "TRIM"]

# KEYS: TURNS, META, INDEX. ARGV: expected, payload, now, session id, ttl.
# -1 when appended; else the number of turns found. When the turn is already there (a
# reconnect resent this very append after the first one landed) it counts as appended.
APPEND = """
local n = redis.call('LLEN', KEYS[1])
local expected = tonumber(ARGV[1])
if n ~= expected then
  if n == expected + 1 and redis.call('LINDEX', KEYS[1], -1) == ARGV[2] then return -1 end
  return n
end
redis.call('RPUSH', KEYS[1], ARGV[2])
if n == 0 then redis.call('HSET', KEYS[2], 'created_at', ARGV[3]) end
redis.call('HSET', KEYS[2], 'updated_at', ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[4])
local ttl = tonumber(ARGV[5])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return -1
"""

# KEYS: TURNS, META, INDEX. ARGV: session id. The number of keys removed.
DELETE = """
local n = redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return n
"""

# KEYS: source TURNS, new TURNS, new META, INDEX. ARGV: at_turn, now, new id, ttl.
# {status, turns of the source}: status 0 done, 1 no source, 2 at_turn out of range,
# 3 the new id exists.
BRANCH = """
local n = redis.call('LLEN', KEYS[1])
local at = tonumber(ARGV[1])
if n == 0 then return {1, 0} end
if at < 1 or at > n then return {2, n} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {3, n} end
local turns = redis.call('LRANGE', KEYS[1], 0, at - 1)
for i = 1, #turns, 500 do
  redis.call('RPUSH', KEYS[2], unpack(turns, i, math.min(i + 499, #turns)))
end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[3], 'created_at', ARGV[2], 'updated_at', ARGV[2])
redis.call('ZADD', KEYS[4], 0, ARGV[3])
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return {0, n}
"""

# KEYS: TURNS, META, INDEX. ARGV: keep_last, now, session id. The number of turns removed.
TRIM = """
local n = redis.call('LLEN', KEYS[1])
local keep = tonumber(ARGV[1])
if n <= keep then return 0 end
if keep == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('ZREM', KEYS[3], ARGV[3])
  return n
end
redis.call('LTRIM', KEYS[1], n - keep, -1)
redis.call('HSET', KEYS[2], 'updated_at', ARGV[2])
return n - keep
"""
