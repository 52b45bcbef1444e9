/**
 * Lua scripts: each runs atomically in Redis, so a write, its version bump, its change-feed entry
 * and its audit entry either all happen or none does, and concurrent writers are serialised.
 */

/**
 * KEYS: 1 entity hash, 2 version counter, 3 change stream, 4 audit stream, 5.. keys named by
 * guards and index ops (by position).
 * ARGV: 1 op (create|update|delete), 2 id, 3 expected version (-1: any), 4 entity JSON (final,
 * with version already set to expected+1), 5 kind, 6 actor, 7 now, 8 guards JSON, 9 index ops
 * JSON, 10 change maxlen, 11 audit maxlen, 12 audit detail JSON.
 * Returns {'OK', globalVersion} or {'CONFLICT'|'NOT_FOUND'|'MISSING_REF'|'IN_USE'|'LEASE_LOST', info, number}.
 */
export const MUTATE_SCRIPT = `
local op, id, expected = ARGV[1], ARGV[2], tonumber(ARGV[3])
local current = redis.call('HGET', KEYS[1], id)
local currentVersion = 0
if current then currentVersion = cjson.decode(current).version end
if op == 'create' and current then return {'CONFLICT', 'exists', currentVersion} end
if op ~= 'create' and not current then return {'NOT_FOUND', id, 0} end
if op ~= 'create' and expected >= 0 and expected ~= currentVersion then
  return {'CONFLICT', 'stale', currentVersion}
end
for _, g in ipairs(cjson.decode(ARGV[8])) do
  if g.t == 'exists' and redis.call('HEXISTS', KEYS[g.k], g.f) == 0 then return {'MISSING_REF', g.path, 0} end
  -- a write made under a lease (a shuffle step): refused unless the lease is still the writer's,
  -- checked here because a replica paused past its lease may wake between its own check and this
  if g.t == 'holds' and redis.call('GET', KEYS[g.k]) ~= g.v then return {'LEASE_LOST', g.path, 0} end
  if g.t == 'empty' then
    local n = redis.call('SCARD', KEYS[g.k])
    if n > 0 then return {'IN_USE', g.path, n} end
  end
end
local version = redis.call('INCR', KEYS[2])
if op == 'delete' then redis.call('HDEL', KEYS[1], id) else redis.call('HSET', KEYS[1], id, ARGV[4]) end
for _, x in ipairs(cjson.decode(ARGV[9])) do
  if x.v then redis.call(x.op, KEYS[x.k], x.m, x.v) else redis.call(x.op, KEYS[x.k], x.m) end
end
redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[10], version .. '-0',
  'version', version, 'kind', ARGV[5], 'id', id, 'op', op, 'at', ARGV[7])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[11], '*',
  'at', ARGV[7], 'actor', ARGV[6], 'action', op, 'kind', ARGV[5], 'entity', id, 'version', version, 'detail', ARGV[12])
return {'OK', id, version}
`;

/**
 * A consistent read of one app's snapshot inputs. KEYS: 1 apps, 2 topics, 3 clusters, 4 version,
 * 5 group controls. Returns {version, appJson, topicCount, paused group ids joined by ',', topic
 * JSONs…, cluster JSONs…} or {} when the app is unknown. Every app sees every paused group: group
 * ids are not part of an app's profile, and only groups ever paused are stored (a handful).
 */
export const SNAPSHOT_SCRIPT = `
local appJson = redis.call('HGET', KEYS[1], ARGV[1])
if not appJson then return {} end
local version = tonumber(redis.call('GET', KEYS[4]) or '0')
local names = {}
for name, _ in pairs(cjson.decode(appJson).topics) do table.insert(names, name) end
local paused = {}
for _, g in ipairs(redis.call('HVALS', KEYS[5])) do
  local control = cjson.decode(g)
  if control.paused then table.insert(paused, control.id) end
end
table.sort(paused)
-- newline-separated: a group id may hold any character but a control character
local out = {version, appJson, 0, table.concat(paused, '\\n')}
local clusterIds, seen = {}, {}
if #names > 0 then
  local topics = redis.call('HMGET', KEYS[2], unpack(names))
  for i = 1, #names do
    if topics[i] then
      table.insert(out, topics[i])
      out[3] = out[3] + 1
      local t = cjson.decode(topics[i])
      local cids = {t.placement.clusterId}
      -- a topic being shuffled also needs the cluster it is leaving
      if type(t.migration) == 'table' then table.insert(cids, t.migration.source.clusterId) end
      -- and so do its eras, which groups that were away still read up to their fences
      if type(t.eras) == 'table' then
        for _, era in ipairs(t.eras) do table.insert(cids, era.clusterId) end
      end
      for _, cid in ipairs(cids) do
        if not seen[cid] then seen[cid] = true; table.insert(clusterIds, cid) end
      end
    end
  end
end
if #clusterIds > 0 then
  local clusters = redis.call('HMGET', KEYS[3], unpack(clusterIds))
  for i = 1, #clusterIds do if clusters[i] then table.insert(out, clusters[i]) end end
end
return out
`;

/**
 * One topic, its cluster and (during a shuffle) its source cluster in one round trip.
 * KEYS: 1 topics, 2 clusters, 3 version.
 */
export const RESOLVE_SCRIPT = `
local topicJson = redis.call('HGET', KEYS[1], ARGV[1])
if not topicJson then return {} end
local t = cjson.decode(topicJson)
local clusterJson = redis.call('HGET', KEYS[2], t.placement.clusterId) or ''
local sourceJson = ''
if type(t.migration) == 'table' then sourceJson = redis.call('HGET', KEYS[2], t.migration.source.clusterId) or '' end
return {tonumber(redis.call('GET', KEYS[3]) or '0'), topicJson, clusterJson, sourceJson}
`;
