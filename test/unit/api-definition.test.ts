import type { CreateDatasetExportJobCommandInput } from '@aws-sdk/client-personalize';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AWS } from '../../src/api/aws-constraints.js';
import { INGESTION_MODE, NAME } from '../../src/emulator/shapes.js';
import { IMMUTABLE_SPEC_FIELDS, specSchema } from '../../src/kinds/dataset-export-job/schema.js';
import type {
  DatasetExportJobSpec,
  DatasetExportJobStatus,
} from '../../src/kinds/dataset-export-job/types.js';
import { crds } from '../../src/kinds/index.js';

describe('the DatasetExportJob definition', () => {
  it('infers TypeScript types that mirror CreateDatasetExportJob', () => {
    type AwsMembers = keyof CreateDatasetExportJobCommandInput;
    expectTypeOf<Exclude<keyof DatasetExportJobSpec, 'region'>>().toEqualTypeOf<AwsMembers>();
    expectTypeOf<DatasetExportJobSpec['ingestionMode']>().toEqualTypeOf<'BULK' | 'PUT' | 'ALL' | undefined>();
    expectTypeOf<DatasetExportJobSpec['datasetArn']>().toEqualTypeOf<string>();
    expectTypeOf<DatasetExportJobSpec['jobName']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<DatasetExportJobSpec['tags']>().toEqualTypeOf<Record<string, string> | undefined>();
    expectTypeOf<DatasetExportJobSpec['jobOutput']['s3DataDestination']['path']>().toEqualTypeOf<string>();
    expectTypeOf<DatasetExportJobStatus['observedGeneration']>().toEqualTypeOf<number | undefined>();
  });

  it('lists exactly the members AWS requires as required', () => {
    expect([...specSchema.required].sort()).toEqual(['datasetArn', 'jobOutput', 'roleArn']);
  });

  it('makes every spec field but tags immutable, one rule per field', () => {
    expect([...IMMUTABLE_SPEC_FIELDS, 'tags'].sort()).toEqual(Object.keys(specSchema.properties).sort());
    expect(specSchema['x-kubernetes-validations'].map((v) => v.message.split(' ')[0])).toEqual(
      IMMUTABLE_SPEC_FIELDS.map((field) => `spec.${field}`),
    );
  });

  it('shares its constraints with the emulator', () => {
    expect(specSchema.properties.jobName.maxLength).toBe(AWS.name.maxLength);
    expect(NAME).toMatchObject({ min: AWS.name.minLength, max: AWS.name.maxLength });
    expect(INGESTION_MODE).toEqual({ kind: 'enum', values: specSchema.properties.ingestionMode.enum });
  });

  it('gives every schema property a description', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as { properties?: Record<string, unknown>; items?: unknown; description?: string };
      for (const [key, child] of Object.entries(n.properties ?? {})) {
        if (key !== 'metadata' && !(child as { description?: string }).description)
          missing.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      if (n.items) walk(n.items, `${path}[]`);
    };
    for (const crd of crds()) walk(crd.spec.versions[0]?.schema.openAPIV3Schema, crd.spec.names.kind);
    expect(missing).toEqual([]);
  });
});
