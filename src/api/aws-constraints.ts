/**
 * Input constraints of CreateDatasetExportJob from the Personalize API model (botocore service-2.json,
 * 2018-05-22). The CRD schema and the emulator both take them from here. Patterns are RE2/ECMAScript-
 * compatible so the API server (Go) and JavaScript read them alike; they are applied anchored at both ends.
 */
export const AWS = {
  name: { minLength: 1, maxLength: 63, pattern: '[a-zA-Z0-9][a-zA-Z0-9\\-_]*' },
  arn: { maxLength: 256, pattern: 'arn:([a-z\\d-]+):personalize:.*:.*:.+' },
  roleArn: { maxLength: 256, pattern: 'arn:([a-z\\d-]+):iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+' },
  kmsKeyArn: { maxLength: 2048, pattern: 'arn:aws.*:kms:.*:[0-9]{12}:key/.*' },
  s3Location: { maxLength: 256, pattern: '(s3|http|https)://.+' },
  ingestionModes: ['BULK', 'PUT', 'ALL'] as const,
  /** CreateDatasetImportJob's importMode; FULL is AWS's default. */
  importModes: ['FULL', 'INCREMENTAL'] as const,
  defaultImportMode: 'FULL',
  /** Pending or in-progress dataset import jobs per account and region (AWS's quota). */
  maxImportJobsInFlight: 5,
  defaultIngestionMode: 'PUT',
  tagKey: { minLength: 1, maxLength: 128 },
  tagValue: { minLength: 0, maxLength: 256 },
  /** `\p{…}` classes: Go's RE2 and JavaScript's `u` flag both understand them. */
  tagText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
  /** The tagging guide's per-resource limit (the model allows 200 in one call). */
  maxTagsPerResource: 50,
  reservedTagPrefix: 'aws:',
} as const;

/**
 * What an S3 path (an export's destination, an import's source) must be beyond AWS's pattern (which also lets http(s) URLs through): an S3 bucket
 * by S3's naming rules (3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end),
 * then a prefix with no `.` or `..` segment (a prefix that climbs out of itself is never what was meant).
 */
export const S3_PATH = {
  pattern: 's3://[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9](/.*)?',
  dotSegment: '(^|/)\\.\\.?(/|$)',
} as const;

export const anchored = (pattern: string) => `^(?:${pattern})$`;
