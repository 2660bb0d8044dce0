-- wrk script: the same list/get mix as load.py, with the token from the TOKEN environment variable.
math.randomseed(7)
local token = os.getenv("TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  local site = string.format("site-%02d", math.random(0, 49))
  local draw = math.random()
  local path
  if draw < 0.40 then
    path = string.format("/api/assets/%s-asset-%05d", site, math.random(0, 4999))
  elseif draw < 0.55 then
    path = string.format("/api/systems/%s-sys-%03d", site, math.random(0, 19))
  elseif draw < 0.75 then
    local zone = (math.random() < 0.5) and "operations" or "cell"
    path = string.format("/api/assets?zone=%s-%s&limit=50&offset=%d", site, zone, 50 * math.random(0, 19))
  elseif draw < 0.90 then
    path = string.format("/api/assets?limit=50&offset=%d", 50 * math.random(0, 99))
  else
    path = string.format("/api/systems?location=%s&limit=50", site)
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d, non-2xx %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s %.1f ms\n", p, latency:percentile(p) / 1000))
  end
end
