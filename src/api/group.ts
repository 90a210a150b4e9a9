/** The API group of every kind, and the prefix of the operator's annotations and AWS tags. */
export const GROUP = 'personalize.ops.dev';
