-- wrk: OCSP POST requests, each body a request with a nonce of its own (hex DER lines in
-- $BENCH_BODIES), rotated, one per connection ("Connection: close", as `openssl ocsp` answers).
-- Counts answers that are not HTTP 200 with a successful OCSP response, as ocsp-get.lua does.
local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  bodies[#bodies + 1] = (line:gsub("..", function(h) return string.char(tonumber(h, 16)) end))
end
local path = os.getenv("BENCH_PATH") or "/"
local headers = { ["Content-Type"] = "application/ocsp-request", ["Connection"] = "close" }
local i = 0
bad = 0 -- global: done() reads it through thread:get
local threads = {}

function setup(thread) table.insert(threads, thread) end

request = function()
  i = i % #bodies + 1
  return wrk.format("POST", path, headers, bodies[i])
end

response = function(status, _, body)
  if status ~= 200 or #body < 16 then bad = bad + 1 end
end

done = function()
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write("bad_responses ", total, "\n")
end
