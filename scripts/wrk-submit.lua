-- wrk script: POST /v1/jobs with the body in the SUBMIT_BODY file. Each thread writes the job id of every 202 to
-- ACCEPTED_IDS.<thread>, so that the stored jobs can be checked against them afterwards: every accepted job stored
-- (none lost), every 202 a different job (none duplicated).
local threads = {}
local body_file = io.open(os.getenv("SUBMIT_BODY"), "r")
wrk.method = "POST"
wrk.body = body_file:read("*a")
body_file:close()
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  accepted = 0
  other = 0
  local prefix = os.getenv("ACCEPTED_IDS")
  if prefix then
    ids = io.open(prefix .. "." .. number, "w")
  end
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
    if ids then
      ids:write(body:match('"id":"([0-9a-f%-]+)"') or "?", "\n")
    end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    o = o + t:get("other")
  end
  io.write(string.format("accepted %d, other statuses %d\n", a, o))
end
