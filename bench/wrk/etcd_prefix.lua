-- wrk -s etcd_prefix.lua http://ETCD : reads one of PREFIXES groups of keys ("r<p>/...") as one
-- range, POST /v3/kv/range; STALE=1 makes it serializable (local, no quorum round).
local dir = debug.getinfo(1, 'S').source:sub(2):match('(.*/)') or './'
local c = dofile(dir .. 'common.lua')
local reqs = {}
setup, done = c.setup, c.done

function init(args)
  c.seed()
  local extra = c.stale and ',"serializable":true' or ''
  for p = 0, c.prefixes - 1 do
    local body = '{"key":"' .. c.b64(c.prefix(p)) .. '","range_end":"' .. c.b64(c.prefix_end(p))
      .. '"' .. extra .. '}'
    reqs[p + 1] = wrk.format('POST', '/v3/kv/range', c.json, body)
  end
end

function request() return reqs[math.random(c.prefixes)] end
