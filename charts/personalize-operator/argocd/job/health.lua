-- Argo CD health check for personalize.ops.dev's job kinds (DatasetExportJob, DatasetImportJob), modelled on
-- batch/Job:
-- ACTIVE is Healthy, CREATE FAILED is Degraded (with AWS's failureReason), anything else Progressing.
-- Until the job has finished, a paused resource is Suspended, and one the operator has given up on until a
-- person acts (its spec or an annotation is refused, or its job name is taken by a job it does not describe)
-- is Degraded: either would otherwise look Progressing for ever. A finished job whose current spec a person
-- must fix (Stalled: spec.tags refused, say) is Degraded too; errors that clear by themselves change nothing.
local stuck = { InvalidSpec = true, InvalidAnnotation = true, NameConflict = true, SpecMismatch = true }
local hs = {}
-- "Export job", "Import job": what the messages call the job, from its kind.
local noun = string.gsub(obj.kind or "", "^Dataset(%a+)Job$", "%1") .. " job"
local status = obj.status or {}
local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
local synced = nil
local stalled = nil
for _, c in ipairs(status.conditions or {}) do
  if c.type == "Synced" and c.status == "False" then
    synced = c
  end
  if c.type == "Stalled" and c.status == "True" then
    stalled = c
  end
end
local finished = status.status == "ACTIVE" or status.status == "CREATE FAILED"
if synced ~= nil and not finished
    and (synced.observedGeneration == nil or generation == nil or synced.observedGeneration == generation) then
  if synced.reason == "Paused" then
    hs.status = "Suspended"
    hs.message = synced.message
    return hs
  end
  if stuck[synced.reason] then
    hs.status = "Degraded"
    hs.message = synced.reason .. ": " .. synced.message
    return hs
  end
end
if status.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to create the " .. string.lower(noun)
  if synced ~= nil then
    hs.message = synced.reason .. ": " .. synced.message
  end
  return hs
end
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe the latest spec"
  return hs
end
if status.status == "ACTIVE" and stalled ~= nil and stalled.observedGeneration == generation then
  hs.status = "Degraded"
  hs.message = stalled.reason .. ": " .. stalled.message
elseif status.status == "ACTIVE" then
  hs.status = "Healthy"
  hs.message = noun .. " " .. (status.jobName or "") .. " is ACTIVE"
elseif status.status == "CREATE FAILED" then
  hs.status = "Degraded"
  hs.message = status.failureReason or ("The " .. string.lower(noun) .. " failed")
else
  hs.status = "Progressing"
  hs.message = noun .. " is " .. status.status
end
return hs
