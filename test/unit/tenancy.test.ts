import { describe, expect, it } from 'vitest';
import { scopeRefusal } from '../../src/personalize-job/tenancy.js';
import { cond, resource, settings } from '../support/decide-fixtures.js';

describe('tenancy', () => {
  it('makes no AWS call for a namespace it cannot read, or without the role the operator requires', () => {
    const unreadable = scopeRefusal(resource(), { unreadable: 'HTTP 403 Forbidden' }, false, settings);
    expect(cond(unreadable!, 'Synced')).toMatchObject({ status: 'False', reason: 'NamespaceUnreadable' });
    expect(cond(unreadable!, 'Synced')?.message).toMatch(
      /^Cannot read the namespace ml to learn its AWS role \(personalize\.ops\.dev\/role-arn\): HTTP 403 Forbidden\./,
    );
    const missing = scopeRefusal(resource(), {}, true, settings);
    expect(cond(missing!, 'Synced')).toMatchObject({ status: 'False', reason: 'NoNamespaceRole' });
    expect(
      scopeRefusal(resource(), { roleArn: 'arn:aws:iam::123456789012:role/a' }, true, settings),
    ).toBeUndefined();
    expect(scopeRefusal(resource(), {}, false, settings)).toBeUndefined();
  });
});
