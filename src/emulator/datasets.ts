/**
 * Dataset groups, schemas and datasets: the operations that make them, and their lifecycle.
 */
import { arn, type Operation, type OperationContext, seconds } from './context.js';
import { alreadyExists, inUse, invalidInput, notFound } from './errors.js';
import { listPage } from './list.js';
import { ACTIVE, type Dataset, type DatasetGroup, PENDING } from './model.js';
import { ARN, KMS_KEY_ARN, NAME, ROLE_ARN, type Shape, TAGS, validateInput } from './shapes.js';
import { checkTags } from './tags.js';

const DOMAIN: Shape = { kind: 'enum', values: ['ECOMMERCE', 'VIDEO_ON_DEMAND'] };
const AVRO_SCHEMA: Shape = { kind: 'string', max: 10000 };
const DATASET_TYPE: Shape = { kind: 'string', max: 256, pattern: /^[A-Za-z_]+$/ };

/** Dataset types, keyed by their case-insensitive spelling, with the fields each schema must have. */
const DATASET_TYPES: Record<string, { arnSuffix: string; required: string[]; exportable: boolean }> = {
  interactions: {
    arnSuffix: 'INTERACTIONS',
    required: ['USER_ID', 'ITEM_ID', 'TIMESTAMP'],
    exportable: true,
  },
  items: { arnSuffix: 'ITEMS', required: ['ITEM_ID'], exportable: true },
  users: { arnSuffix: 'USERS', required: ['USER_ID'], exportable: true },
  actions: { arnSuffix: 'ACTIONS', required: ['ACTION_ID'], exportable: false },
  action_interactions: {
    arnSuffix: 'ACTION_INTERACTIONS',
    required: ['USER_ID', 'ACTION_ID', 'TIMESTAMP', 'EVENT_TYPE'],
    exportable: false,
  },
};

export const datasetTypeOf = (dataset: Dataset) => DATASET_TYPES[dataset.datasetType.toLowerCase()];

function parseAvroFields(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidInput('schema: the value is not valid JSON');
  }
  const record = parsed as { type?: unknown; fields?: unknown };
  if (record?.type !== 'record' || !Array.isArray(record.fields) || record.fields.length === 0) {
    throw invalidInput('schema: an Avro schema of type "record" with at least one field is required');
  }
  return record.fields.map((f, i) => {
    const name = (f as { name?: unknown })?.name;
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw invalidInput(`schema: fields[${i}].name must be an Avro name`);
    }
    return name;
  });
}

export const createDatasetGroup: Operation = async (ctx, input) => {
  validateInput(
    { name: NAME, roleArn: ROLE_ARN, kmsKeyArn: KMS_KEY_ARN, domain: DOMAIN, tags: TAGS },
    ['name'],
    input,
  );
  const tags = checkTags(input.tags);
  const name = input.name as string;
  const datasetGroupArn = arn(ctx, `dataset-group/${name}`);
  if (ctx.state.datasetGroups[datasetGroupArn])
    throw alreadyExists(`Dataset group ${datasetGroupArn} already exists.`);
  const now = ctx.now();
  const group: DatasetGroup = {
    name,
    datasetGroupArn,
    status: PENDING,
    domain: input.domain as string | undefined,
    roleArn: input.roleArn as string | undefined,
    kmsKeyArn: input.kmsKeyArn as string | undefined,
    ...(tags.length ? { tags } : {}),
    creationDateTime: now,
    lastUpdatedDateTime: now,
  };
  ctx.state.datasetGroups[datasetGroupArn] = group;
  ctx.scheduled({ kind: 'datasetGroup', resource: group });
  await ctx.store.persist();
  return { datasetGroupArn, domain: input.domain };
};

export const createSchema: Operation = async (ctx, input) => {
  validateInput({ name: NAME, schema: AVRO_SCHEMA, domain: DOMAIN }, ['name', 'schema'], input);
  const name = input.name as string;
  const schemaArn = arn(ctx, `schema/${name}`);
  if (ctx.state.schemas[schemaArn]) throw alreadyExists(`Schema ${schemaArn} already exists.`);
  const fields = parseAvroFields(input.schema as string);
  const now = ctx.now();
  ctx.state.schemas[schemaArn] = {
    name,
    schemaArn,
    schema: input.schema as string,
    fields,
    domain: input.domain as string | undefined,
    creationDateTime: now,
    lastUpdatedDateTime: now,
  };
  await ctx.store.persist();
  return { schemaArn };
};

export const createDataset: Operation = async (ctx, input) => {
  validateInput(
    { name: NAME, schemaArn: ARN, datasetGroupArn: ARN, datasetType: DATASET_TYPE, tags: TAGS },
    ['name', 'schemaArn', 'datasetGroupArn', 'datasetType'],
    input,
  );
  const tags = checkTags(input.tags);
  const type = DATASET_TYPES[(input.datasetType as string).toLowerCase()];
  if (!type) {
    throw invalidInput(
      `datasetType: ${input.datasetType as string} is not one of ${Object.keys(DATASET_TYPES).join(', ')}`,
    );
  }
  const group = ctx.state.datasetGroups[input.datasetGroupArn as string];
  if (!group) throw notFound(`Resource Arn ${input.datasetGroupArn as string} does not exist.`);
  if (group.status !== ACTIVE)
    throw inUse(`Dataset group ${group.datasetGroupArn} is not ACTIVE (${group.status}).`);
  const schema = ctx.state.schemas[input.schemaArn as string];
  if (!schema) throw notFound(`Resource Arn ${input.schemaArn as string} does not exist.`);
  const missing = type.required.filter((f) => !schema.fields.includes(f));
  if (missing.length) {
    throw invalidInput(`schemaArn: a ${type.arnSuffix} schema must contain the fields ${missing.join(', ')}`);
  }
  const datasetArn = arn(ctx, `dataset/${group.name}/${type.arnSuffix}`);
  if (ctx.state.datasets[datasetArn]) {
    throw alreadyExists(`Dataset group ${group.datasetGroupArn} already has a ${type.arnSuffix} dataset.`);
  }
  const now = ctx.now();
  const dataset: Dataset = {
    seq: ctx.store.nextSeq(),
    name: input.name as string,
    datasetArn,
    datasetGroupArn: group.datasetGroupArn,
    datasetType: type.arnSuffix,
    schemaArn: schema.schemaArn,
    status: PENDING,
    ...(tags.length ? { tags } : {}),
    creationDateTime: now,
    lastUpdatedDateTime: now,
    records: [],
  };
  ctx.state.datasets[datasetArn] = dataset;
  ctx.scheduled({ kind: 'dataset', resource: dataset });
  await ctx.store.persist();
  return { datasetArn };
};

export function findDataset(ctx: OperationContext, datasetArn: string): Dataset {
  const dataset = ctx.state.datasets[datasetArn];
  if (!dataset) throw notFound(`Resource Arn ${datasetArn} does not exist.`);
  return dataset;
}

export const describeDataset: Operation = (ctx, input) => {
  validateInput({ datasetArn: ARN }, ['datasetArn'], input);
  const d = findDataset(ctx, input.datasetArn as string);
  return {
    dataset: {
      name: d.name,
      datasetArn: d.datasetArn,
      datasetGroupArn: d.datasetGroupArn,
      datasetType: d.datasetType,
      schemaArn: d.schemaArn,
      status: d.status,
      creationDateTime: seconds(d.creationDateTime),
      lastUpdatedDateTime: seconds(d.lastUpdatedDateTime),
    },
  };
};

export const listDatasets: Operation = (ctx, input) => {
  const result = listPage(ctx, 'ListDatasets', 'datasetGroupArn', input, (group) =>
    Object.values(ctx.state.datasets).filter((d) => !group || d.datasetGroupArn === group),
  );
  return {
    datasets: result.items.map((d) => ({
      name: d.name,
      datasetArn: d.datasetArn,
      datasetType: d.datasetType,
      status: d.status,
      creationDateTime: seconds(d.creationDateTime),
      lastUpdatedDateTime: seconds(d.lastUpdatedDateTime),
    })),
    nextToken: result.nextToken,
  };
};
