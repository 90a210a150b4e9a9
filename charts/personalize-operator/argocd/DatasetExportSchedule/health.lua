-- Argo CD health check for personalize.ops.dev/DatasetExportSchedule, modelled on batch/CronJob but telling
-- what Argo CD's CronJob check does not: a schedule whose last run failed after its last success is Degraded
-- (argo-cd#11571), one that cannot run (InvalidSchedule) is Degraded, a suspended one Suspended, one whose
-- first run is on its way Progressing, and Healthy otherwise.
local hs = {}
local spec = obj.spec or {}
local status = obj.status or {}
local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe the latest spec"
  return hs
end
for _, c in ipairs(status.conditions or {}) do
  if c.type == "Synced" and c.status == "False" then
    hs.status = "Degraded"
    hs.message = c.reason .. ": " .. c.message
    return hs
  end
end
local failure = status.lastFailureTime
local success = status.lastSuccessfulTime
-- RFC 3339 times in UTC compare as strings.
if failure ~= nil and (success == nil or failure > success) then
  hs.status = "Degraded"
  local last = status.lastFailure or {}
  hs.message = "The last run " .. (last.name or "") .. " failed"
  if last.failureReason ~= nil then
    hs.message = hs.message .. ": " .. last.failureReason
  end
  return hs
end
if spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "Suspended: no new runs"
  return hs
end
if success == nil then
  hs.status = "Progressing"
  if status.active ~= nil and #status.active > 0 then
    hs.message = "The first run " .. status.active[1].name .. " is on its way"
  else
    hs.message = "Waiting for the first run"
  end
  return hs
end
hs.status = "Healthy"
hs.message = "Last success " .. success
if status.nextScheduleTime ~= nil then
  hs.message = hs.message .. ", next run " .. status.nextScheduleTime
end
return hs
