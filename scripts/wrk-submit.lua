-- wrk script: POST /v1/jobs with the body in the SUBMIT_BODY file; counts 202s per thread and prints the total,
-- so that the jobs stored afterwards can be checked against it (none lost, none duplicated).
local threads = {}
local body_file = io.open(os.getenv("SUBMIT_BODY"), "r")
wrk.method = "POST"
wrk.body = body_file:read("*a")
body_file:close()
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  accepted = 0
  other = 0
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    o = o + t:get("other")
  end
  io.write(string.format("accepted %d, other statuses %d\n", a, o))
end
