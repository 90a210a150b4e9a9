import { describe, expect, it } from 'vitest';
import { evaluatePath, placeholderProblem } from '../../src/kinds/dataset-export-schedule/placeholders.js';
import { at } from '../support/schedule-fixtures.js';

describe('path placeholders', () => {
  it('reads the scheduled time in the schedule’s zone', () => {
    const path = 's3://b/exports/dt={yyyy}-{MM}-{dd}/h={HH}{mm}/';
    expect(evaluatePath(path, at('2026-12-31T23:30:00Z'), 'UTC')).toBe(
      's3://b/exports/dt=2026-12-31/h=2330/',
    );
    expect(evaluatePath(path, at('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe(
      's3://b/exports/dt=2027-01-01/h=0030/',
    );
    expect(placeholderProblem(path)).toBeUndefined();
    expect(placeholderProblem('s3://b/{day}/')).toBe(
      'spec.jobTemplate.spec.jobOutput.s3DataDestination.path: unknown placeholder {day} (the placeholders are {yyyy}, {MM}, {dd}, {HH}, {mm})',
    );
  });
});
