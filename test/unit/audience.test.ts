/** Who hears of an outage: the affected services (dependents, transitively) and their audiences, once each. */
import { describe, expect, it } from 'vitest';
import { affectedServices, expandAudiences } from '../../src/domain/audience.js';

const svc = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });

describe('affectedServices', () => {
  it('adds the services that depend on the given ones, transitively, nearest first', () => {
    const catalogue = [svc('shop', 'web'), svc('web', 'db'), svc('db'), svc('mail')];
    expect(affectedServices(['db'], catalogue)).toEqual(['db', 'web', 'shop']);
    expect(affectedServices(['web'], catalogue)).toEqual(['web', 'shop']);
    expect(affectedServices(['mail'], catalogue)).toEqual(['mail']);
  });

  it('names each service once when several paths lead to it', () => {
    const catalogue = [svc('db'), svc('api', 'db'), svc('web', 'db'), svc('shop', 'api', 'web')];
    expect(affectedServices(['db'], catalogue)).toEqual(['db', 'api', 'web', 'shop']);
    expect(affectedServices(['web', 'db', 'web'], catalogue)).toEqual(['web', 'db', 'shop', 'api']);
  });

  it('ends at a dependency cycle', () => {
    const catalogue = [svc('a', 'c'), svc('b', 'a'), svc('c', 'b'), svc('self', 'self')];
    expect(affectedServices(['a'], catalogue)).toEqual(['a', 'b', 'c']);
    expect(affectedServices(['self'], catalogue)).toEqual(['self']);
  });

  it('matches names without regard to case, spells them as the catalogue does, keeps unknown ones', () => {
    const catalogue = [svc('DB'), svc('Web', 'db')];
    expect(affectedServices(['db', 'gone'], catalogue)).toEqual(['DB', 'gone', 'Web']);
  });
});

describe('expandAudiences', () => {
  const catalogue = [svc('db'), svc('web', 'db'), svc('shop', 'web')];

  it('replaces the audience recipients by one per affected service, each once, where the first stood', () => {
    expect(
      expandAudiences(
        [{ kind: 'person', id: 'cli:ann' }, { kind: 'audience', service: 'web' }, { kind: 'cab-channel' }, { kind: 'audience', service: 'db' }],
        catalogue,
      ),
    ).toEqual([
      { kind: 'person', id: 'cli:ann' },
      { kind: 'audience', service: 'web' },
      { kind: 'audience', service: 'db' },
      { kind: 'audience', service: 'shop' },
      { kind: 'cab-channel' },
    ]);
  });

  it('leaves notifications without an audience alone', () => {
    expect(expandAudiences([{ kind: 'role', role: 'change-manager' }], catalogue)).toEqual([{ kind: 'role', role: 'change-manager' }]);
    expect(expandAudiences([], catalogue)).toEqual([]);
  });
});
