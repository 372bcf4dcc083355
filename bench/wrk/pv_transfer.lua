-- wrk -s pv_transfer.lua http://PENSIEVE : 2-key transfers, POST /v1/txn: compares on both
-- accounts' versions (the key exists, as a transfer that read them first would compare its read
-- versions) and, when they hold, puts both accounts' new values; the same shape as
-- etcd_transfer.lua. Two distinct accounts at random out of ACCOUNTS; 1,000 distinct requests
-- rendered up front.
local dir = debug.getinfo(1, 'S').source:sub(2):match('(.*/)') or './'
local c = dofile(dir .. 'common.lua')
local reqs = {}
setup, done = c.setup, c.done

local function compare(k) return '{"key":"' .. k .. '","op":">","version":0}' end
local function put(k, v) return '{"put":{"key":"' .. k .. '","value":"' .. v .. '"}}' end

function init(args)
  c.seed()
  for i = 1, 1000 do
    local a, b = c.pair()
    local ka, kb = c.account(a), c.account(b)
    local body = '{"compares":[' .. compare(ka) .. ',' .. compare(kb) .. '],"success":['
      .. put(ka, c.padded(1000 - i)) .. ',' .. put(kb, c.padded(1000 + i)) .. ']}'
    reqs[i] = wrk.format('POST', '/v1/txn', c.json, body)
  end
end

function request() return reqs[math.random(#reqs)] end
