/**
 * Who hears of an outage: an outage of a service is an outage of everything that depends on
 * it, so the audiences of those services are told too. The one place that expands a
 * notification's `audience` recipients; the delivery layer resolves what this returns.
 */
import type { Recipient } from './notifications.js';
import type { Service } from './types.js';

/**
 * `names` and every service that depends on one of them, directly or transitively (web depends
 * on db and shop on web: an outage of db affects db, web and shop). The given names come first,
 * in order, then their dependents nearest first; each name once, matched without regard to case
 * and spelled as in the catalogue. Names the catalogue lacks are kept as given. Dependency
 * cycles end the walk where it meets a service already seen.
 */
export function affectedServices(names: readonly string[], catalogue: readonly Pick<Service, 'name' | 'dependsOn'>[]): string[] {
  const canonical = new Map(catalogue.map((s) => [s.name.toLowerCase(), s.name]));
  const dependents = new Map<string, string[]>();
  for (const s of catalogue) {
    for (const dep of s.dependsOn) {
      const key = dep.toLowerCase();
      dependents.set(key, [...(dependents.get(key) ?? []), s.name]);
    }
  }
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (name: string) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    out.push(canonical.get(key) ?? name);
    return true;
  };
  const queue = names.filter(visit);
  while (queue.length) {
    const next = queue.shift() as string;
    for (const d of dependents.get(next.toLowerCase()) ?? []) if (visit(d)) queue.push(d);
  }
  return out;
}

/**
 * `recipients` with their `audience` recipients replaced by one for each affected service (see
 * affectedServices), each once, where the first audience recipient stood. Other recipients are
 * kept as they are. A destination shared by several services is still one target: the delivery
 * layer dedupes what the recipients resolve to.
 */
export function expandAudiences(recipients: readonly Recipient[], catalogue: readonly Pick<Service, 'name' | 'dependsOn'>[]): Recipient[] {
  const services = recipients.flatMap((r) => (r.kind === 'audience' ? [r.service] : []));
  if (!services.length) return [...recipients];
  const audiences = affectedServices(services, catalogue).map((service): Recipient => ({ kind: 'audience', service }));
  const out: Recipient[] = [];
  let placed = false;
  for (const r of recipients) {
    if (r.kind !== 'audience') out.push(r);
    else if (!placed) {
      out.push(...audiences);
      placed = true;
    }
  }
  return out;
}
