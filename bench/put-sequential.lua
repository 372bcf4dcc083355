-- wrk script: writes keys k000000000000000 .. k<N-1> (16 bytes: 'k' and 15 digits) once each,
-- with 100-byte values, as raw PUT /v1/kv/{key} (application/octet-stream).
--
--   wrk -t T -c C -d 3600s -s bench/put-sequential.lua http://127.0.0.1:8101 -- N T DIR
--
-- Thread t (1..T) writes keys t-1, t-1+T, t-1+2T, ...; each of its connections takes the next
-- key of the thread when it sends, so the keys spread over every connection. Once a thread has
-- had an answer to each of its PUTs it writes DIR/thread-<t>.done ("<puts> <failed> <first
-- failure>") and stops; its connections meanwhile send GET /health, which counts for nothing.
-- wrk itself runs until its duration or SIGINT: the caller waits for the T files, then stops it.

local next_thread = 1

function setup(thread)
  thread:set("id", next_thread)
  next_thread = next_thread + 1
end

local total, stride, id, out_dir
local next_key, assigned = 0, 0
local answered, failed, first_failure = 0, 0, ""
-- wrk calls request() once on the first thread, right after init, to look at the request it
-- builds (wrk.c: script_verify_request); that call must not use up a key
local looked_at
local headers = { ["Content-Type"] = "application/octet-stream" }

function init(args)
  total = tonumber(args[1])
  stride = tonumber(args[2])
  out_dir = args[3]
  id = wrk.thread:get("id")
  looked_at = id ~= 1
  next_key = id - 1
  if total > next_key then
    assigned = math.floor((total - 1 - next_key) / stride) + 1
  end
  if assigned == 0 then
    report()
  end
end

function request()
  if next_key < total then
    local key = string.format("k%015d", next_key)
    if looked_at then
      next_key = next_key + stride
    end
    looked_at = true
    -- 100 bytes: the key (16) and 84 filler bytes
    return wrk.format("PUT", "/v1/kv/" .. key, headers, key .. string.rep("v", 84))
  end
  return wrk.format("GET", "/health")
end

function response(status, headers, body)
  if body ~= nil and string.find(body, '"status":"healthy"', 1, true) then
    return
  end
  answered = answered + 1
  if status ~= 200 then
    failed = failed + 1
    if first_failure == "" then
      first_failure = status .. " " .. string.gsub(body or "", "%s+", " ")
    end
  end
  if answered == assigned then
    report()
    wrk.thread:stop()
  end
end

function report()
  local file = io.open(out_dir .. "/thread-" .. id .. ".done", "w")
  file:write(answered .. " " .. failed .. " " .. first_failure .. "\n")
  file:close()
end
