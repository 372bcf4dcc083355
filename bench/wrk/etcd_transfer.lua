-- wrk -s etcd_transfer.lua http://ETCD : 2-key transfers, POST /v3/kv/txn: compares on both
-- accounts' versions (the key exists, as a transfer that read them first would compare its read
-- versions) and, when they hold, puts both accounts' new values. Two distinct accounts at random
-- out of ACCOUNTS; 1,000 distinct requests rendered up front.
local dir = debug.getinfo(1, 'S').source:sub(2):match('(.*/)') or './'
local c = dofile(dir .. 'common.lua')
local reqs = {}
setup, done = c.setup, c.done

local function compare(k)
  return '{"key":"' .. c.b64(k) .. '","target":"VERSION","result":"GREATER","version":"0"}'
end
local function put(k, v)
  return '{"request_put":{"key":"' .. c.b64(k) .. '","value":"' .. c.b64(v) .. '"}}'
end

function init(args)
  c.seed()
  for i = 1, 1000 do
    local a, b = c.pair()
    local ka, kb = c.account(a), c.account(b)
    local body = '{"compare":[' .. compare(ka) .. ',' .. compare(kb) .. '],"success":['
      .. put(ka, c.padded(1000 - i)) .. ',' .. put(kb, c.padded(1000 + i)) .. ']}'
    reqs[i] = wrk.format('POST', '/v3/kv/txn', c.json, body)
  end
end

function request() return reqs[math.random(#reqs)] end
