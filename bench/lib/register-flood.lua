-- The registration flood for wrk: every request registers a new email. Prints
-- wrk's summary, with the answers counted by status, as one JSON line
-- (latencies in microseconds), read by registration-flood.mjs.
local run = string.format('%d-%d', os.time(), math.random(1e9))
local sent = 0
statuses = {}
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

request = function()
  sent = sent + 1
  local body = string.format(
    '{"email":"flood-%s-%d@example.com","password":"flood passphrase 0123","name":"Flood"}',
    run, sent)
  return wrk.format('POST', nil, { ['content-type'] = 'application/json' }, body)
end

response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency)
  local counted = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get('statuses')) do
      counted[#counted + 1] = string.format('"%d":%d', status, count)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'FLOOD_JSON {"requests":%d,"statusCodes":{%s},"errors":%d,"timeouts":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, table.concat(counted, ','), e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
