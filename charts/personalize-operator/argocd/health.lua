-- Argo CD health check for personalize.ops.dev/DatasetExportJob, modelled on batch/Job:
-- ACTIVE is Healthy, CREATE FAILED is Degraded (with AWS's failureReason), anything else Progressing.
-- A resource the operator has given up on until a person acts (its spec is refused, or its job name is
-- taken by a job it does not describe) is Degraded too: it would otherwise look Progressing for ever.
local stuck = { InvalidSpec = true, NameConflict = true, SpecMismatch = true }
local hs = {}
local status = obj.status
if status == nil or status.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to create the export job"
  if status ~= nil and status.conditions ~= nil then
    for _, c in ipairs(status.conditions) do
      if c.type == "Synced" and c.status == "False" then
        hs.message = c.reason .. ": " .. c.message
        if stuck[c.reason] and (c.observedGeneration == nil or obj.metadata == nil
            or c.observedGeneration == obj.metadata.generation) then
          hs.status = "Degraded"
        end
      end
    end
  end
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and status.observedGeneration ~= nil
    and status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe the latest spec"
  return hs
end
if status.status == "ACTIVE" then
  hs.status = "Healthy"
  hs.message = "Export job " .. (status.jobName or "") .. " is ACTIVE"
elseif status.status == "CREATE FAILED" then
  hs.status = "Degraded"
  hs.message = status.failureReason or "The export job failed"
else
  hs.status = "Progressing"
  hs.message = "Export job is " .. status.status
end
return hs
