import { describe, expect, it } from 'vitest';
import { RFC_FORM, formToFields } from '../../src/commands/form.js';
import { ChangebotError } from '../../src/domain/errors.js';

const ctx = { platform: 'slack' as const, workspace: 'T1', timezone: 'Europe/London', now: new Date('2026-12-01T10:00:00Z') };

describe('the RFC form', () => {
  it('turns form values into RFC fields', () => {
    expect(
      formToFields(
        {
          title: ' Patch db01 ',
          category: 'significant',
          emergency: true,
          services: ['db', 'web'],
          impact: 'high',
          likelihood: 'low',
          start: '2026-12-05 22:00',
          end: '2026-12-06T00:00:00Z',
          backout: 'restore',
          outage: '30m',
          audience: 'EU users',
        },
        ctx,
      ),
    ).toEqual({
      title: 'Patch db01',
      category: 'significant',
      emergency: true,
      services: ['db', 'web'],
      impact: 'high',
      likelihood: 'low',
      start: new Date('2026-12-05T22:00:00Z'),
      end: new Date('2026-12-06T00:00:00Z'),
      backout: 'restore',
      outageMinutes: 30,
      audience: 'EU users',
    });
  });

  it('reports every bad field at once, each by name', () => {
    try {
      formToFields({ title: '', impact: 'huge', start: '2026-12-05 22:00', end: '2026-12-05 21:00', outage: 'a while' }, ctx);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ChangebotError);
      const errors = (e as ChangebotError).details.errors as Record<string, string>;
      expect(Object.keys(errors).sort()).toEqual(['end', 'impact', 'outage', 'title']);
      expect(errors.end).toBe('The window must end after it starts.');
      expect((e as ChangebotError).details.field).toBe('title');
    }
  });

  it('lists the fields the issue asks for', () => {
    expect(RFC_FORM.map((f) => f.name)).toEqual([
      'title',
      'description',
      'justification',
      'category',
      'emergency',
      'services',
      'impact',
      'likelihood',
      'start',
      'end',
      'plan',
      'backout',
      'test',
      'outage',
      'audience',
    ]);
  });
});
