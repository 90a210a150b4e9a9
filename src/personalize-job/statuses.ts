/**
 * The statuses of Personalize's create-only jobs (export, import, batch inference, batch segment), verbatim:
 * every job starts CREATE PENDING and ends ACTIVE or CREATE FAILED.
 */
export const CREATE_PENDING = 'CREATE PENDING';
export const ACTIVE = 'ACTIVE';
export const CREATE_FAILED = 'CREATE FAILED';
/** The statuses a job never leaves. */
export const TERMINAL: ReadonlySet<string> = new Set([ACTIVE, CREATE_FAILED]);
