-- Every request gets its own sessionId, so the duplicate guard gets no free ride.
-- Usage: wrk ... -s bench/unique.lua <url> -- <scenario> <run id>
--   scenario: bargein-high | bargein-low | asr-low | asr-high | stub; run id: unique per wrk run
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  scenario = args[1]
  run = args[2] or "0"
  counter = 0
end

request = function()
  counter = counter + 1
  local sid = "bench-" .. run .. "-" .. tid .. "-" .. counter
  local body
  if scenario == "bargein-high" or scenario == "bargein-low" then
    local confidence = scenario == "bargein-high" and "0.9" or "0.4"
    body = '{"sessionId":"' .. sid .. '","event":"barge_in","confidence":' .. confidence ..
      ',"transcript":"wait","timestamp":1718452901234}'
  elseif scenario == "asr-low" or scenario == "asr-high" then
    local confidence = scenario == "asr-high" and "0.95" or "0.3"
    body = '{"sessionId":"' .. sid .. '","flowId":"flow-bench","nodeId":"n1","utterance":"pay",' ..
      '"asr":{"confidence":' .. confidence .. ',"text":"pay my bill"},' ..
      '"audio":{"durationMs":1200,"sampleRate":8000,"features":"AAECAwQFBgcICQ=="}}'
  else
    body = '{"command":"stop","reason":"user_interrupt","sessionId":"' .. sid .. '"}'
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-Cognigy-API-Key"] = "bench-key"}, body)
end
