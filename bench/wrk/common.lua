-- Shared part of bench/wrk/*.lua: key names, base64 for etcd's JSON gateway, one random stream
-- per thread, and a machine-readable RESULT line after wrk's report. Every request is rendered
-- in init() so the generator spends its CPU on sockets, not on Lua: it shares the cores with the
-- servers it measures.
local M = {}

local b64c = {}
do
  local chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  for i = 1, 64 do b64c[i - 1] = chars:sub(i, i) end
end
local floor = math.floor
function M.b64(data)
  local out = {}
  for i = 1, #data, 3 do
    local a, b, c = data:byte(i, i + 2)
    local v = a * 65536 + (b or 0) * 256 + (c or 0)
    out[#out + 1] = b64c[floor(v / 262144) % 64] .. b64c[floor(v / 4096) % 64]
      .. (b and b64c[floor(v / 64) % 64] or '=') .. (c and b64c[v % 64] or '=')
  end
  return table.concat(out)
end

local function envnum(name, default)
  local v = os.getenv(name)
  if v and v ~= '' then return tonumber(v) end
  return default
end

M.prefixes = envnum('PREFIXES', 10)
M.accounts = envnum('ACCOUNTS', 10000)
M.stale = (os.getenv('STALE') or '0') == '1'
M.json = { ['Content-Type'] = 'application/json' }

-- the prefix of range group p: "r<p>/"; its end for etcd is "r<p>0" ('/' + 1 = '0')
function M.prefix(p) return 'r' .. p .. '/' end
function M.prefix_end(p) return 'r' .. p .. '0' end
-- account i: 16 bytes
function M.account(i) return string.format('acct%012d', i) end

local counter = 0
function M.setup(thread)
  counter = counter + 1
  thread:set('tid', counter)
end

function M.seed()
  local tid = tonumber(wrk.thread:get('tid')) or 0
  math.randomseed(os.time() * 1000 + tid * 7919)
  for _ = 1, 10 do math.random() end
end

-- a balance as a 100-byte value: the number, then spaces
function M.padded(n)
  local s = tostring(n)
  return s .. string.rep(' ', 100 - #s)
end

-- two distinct accounts at random
function M.pair()
  local a = math.random(M.accounts) - 1
  local b = math.random(M.accounts - 1) - 1
  if b >= a then b = b + 1 end
  return a, b
end

function M.done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f '
      .. 'err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n',
    summary.requests, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end

return M
