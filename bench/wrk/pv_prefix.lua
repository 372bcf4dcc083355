-- wrk -s pv_prefix.lua http://PENSIEVE : reads one of PREFIXES groups of keys ("r<p>/...") as
-- one range, GET /v1/kv?prefix=; STALE=1 asks for a local read (consistency=stale).
local dir = debug.getinfo(1, 'S').source:sub(2):match('(.*/)') or './'
local c = dofile(dir .. 'common.lua')
local reqs = {}
setup, done = c.setup, c.done

function init(args)
  c.seed()
  local extra = c.stale and '&consistency=stale' or ''
  for p = 0, c.prefixes - 1 do
    reqs[p + 1] = wrk.format('GET', '/v1/kv?prefix=' .. c.prefix(p):gsub('/', '%%2F') .. extra)
  end
end

function request() return reqs[math.random(c.prefixes)] end
