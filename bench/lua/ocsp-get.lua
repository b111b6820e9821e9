-- wrk: GET requests rotating over the paths in $BENCH_PATHS (one a line, prefixed by $BENCH_PREFIX),
-- or wrk's own path when $BENCH_PATHS is empty; "Connection: close" when $BENCH_CLOSE is 1.
-- Counts answers that are not HTTP 200 with a successful OCSP response (tryLater and the other
-- error statuses are a few bytes long), so that a figure made of refusals is never reported.
local paths = {}
local file = os.getenv("BENCH_PATHS") or ""
local prefix = os.getenv("BENCH_PREFIX") or "/"
if file ~= "" then
  for line in io.lines(file) do paths[#paths + 1] = prefix .. line end
end
local headers = {}
if os.getenv("BENCH_CLOSE") == "1" then headers["Connection"] = "close" end
local i = 0
bad = 0 -- global: done() reads it through thread:get
local threads = {}

function setup(thread) table.insert(threads, thread) end

request = function()
  if #paths == 0 then return wrk.format("GET", nil, headers) end
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end

response = function(status, _, body)
  -- an OCSPResponse with responseBytes is far longer than 16 bytes; tryLater is 5
  if status ~= 200 or #body < 16 then bad = bad + 1 end
end

done = function()
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write("bad_responses ", total, "\n")
end
