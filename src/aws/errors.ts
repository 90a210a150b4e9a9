/**
 * AWS errors sorted once: their class (transient or needing a person) and the Synced reason they show.
 */
/**
 * How an AWS failure should be handled. `transient` failures (throttling, 5xx, network) are retried soon
 * with backoff; `actionable` ones (bad input, permissions, missing or busy dataset) need a person and are
 * retried slowly; nothing is retried in a hot loop.
 */
export type ErrorClass = 'transient' | 'actionable';

export interface ClassifiedError {
  class: ErrorClass;
  /** CamelCase reason for the Synced condition. */
  reason: string;
  code: string;
  message: string;
  requestId?: string;
}

const THROTTLING = new Set([
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

const ACTIONABLE_REASONS: Record<string, string> = {
  InvalidInputException: 'InvalidInput',
  ResourceNotFoundException: 'DatasetNotFound',
  ResourceInUseException: 'DatasetNotActive',
  TooManyTagsException: 'TooManyTags',
  TooManyTagKeysException: 'TooManyTags',
  AccessDeniedException: 'AccessDenied',
  AccessDenied: 'AccessDenied',
  UnrecognizedClientException: 'InvalidCredentials',
  InvalidSignatureException: 'InvalidCredentials',
  ExpiredTokenException: 'InvalidCredentials',
  CredentialsProviderError: 'NoCredentials',
};

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const THROTTLED = 'Throttled';

/** AWS said the request rate is too high (any of its throttling codes, or HTTP 429). */
export function isThrottling(err: unknown): boolean {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  return THROTTLING.has(e.name ?? e.code ?? '') || e.$metadata?.httpStatusCode === 429;
}
const UNAVAILABLE = 'AWSUnavailable';

/** What these errors mean for a call on the job itself (its tags), where the general reasons speak of the dataset. */
const JOB_REASONS: Record<string, string> = {
  ResourceNotFoundException: 'JobMissing',
  ResourceInUseException: 'JobBusy',
};

/**
 * The error's class and the Synced reason it is shown with, named here once. `subject` is what the failed
 * call was about: the dataset (Create, List, Describe) or the job (its tags).
 */
export function classifyAwsError(err: unknown, subject: 'dataset' | 'job' = 'dataset'): ClassifiedError {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SdkErrorShape;
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  const message = e.message ?? String(err);
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const base = { code, message, ...(requestId ? { requestId } : {}) };
  if (isThrottling(err)) return { ...base, class: 'transient', reason: THROTTLED };
  const actionable = (subject === 'job' ? JOB_REASONS[code] : undefined) ?? ACTIONABLE_REASONS[code];
  if (actionable) return { ...base, class: 'actionable', reason: actionable };
  if (status !== undefined && status >= 400 && status < 500)
    return { ...base, class: 'actionable', reason: 'AWSRequestRejected' };
  // 5xx, connection refused/reset, timeouts and anything unknown: the service may recover by itself.
  return { ...base, class: 'transient', reason: UNAVAILABLE };
}
