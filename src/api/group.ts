/** The API group of every kind, and the prefix of the operator's annotations and AWS tags. */
export const GROUP = 'personalize.ops.dev';
/** The API's one version. */
export const VERSION = 'v1alpha1';
/** `kubectl get personalize` lists every kind of the API. */
export const CATEGORIES = ['personalize', 'aws'] as const;
