/**
 * Scraping a bot's `/metrics` over real HTTP, parsed by an independent Prometheus text-format
 * parser (parse-prometheus-text-format), and reading one sample by name and labels.
 */
import parsePrometheusTextFormat, { type Family, type Sample } from 'parse-prometheus-text-format';

export interface Scrape {
  status: number;
  contentType: string;
  text: string;
  families: Family[];
  /** The family named `name` (throws when it is absent). */
  family(name: string): Family;
  /** The sample of `name` whose labels include `labels`; undefined when there is none. */
  sample(name: string, labels?: Record<string, string>): Sample | undefined;
  /** Its value as a number (0 when there is no such sample: a counter not yet moved). */
  value(name: string, labels?: Record<string, string>): number;
  /**
   * A labelled histogram's count, sum and buckets, read from the text's own `_count`, `_sum` and
   * `_bucket` lines (the parser folds a histogram's label sets into one and drops them).
   */
  histogram(name: string, labels: Record<string, string>): { count: number; sum: number; buckets: Record<string, number> } | undefined;
}

const LINE = /^([a-zA-Z_:][\w:]*)\{([^}]*)\} (\S+)$/;

function labelsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1] as string] = m[2] as string;
  return out;
}

export async function scrape(base: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await fetch(new URL('/metrics', base), { headers });
  const text = await res.text();
  const families = res.status === 200 ? parsePrometheusTextFormat(text) : [];
  const family = (name: string) => {
    const f = families.find((x) => x.name === name);
    if (!f) throw new Error(`no metric family ${name} in the scrape`);
    return f;
  };
  const sample = (name: string, labels: Record<string, string> = {}) =>
    families.find((x) => x.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    text,
    families,
    family,
    sample,
    value: (name, labels) => Number(sample(name, labels)?.value ?? 0),
    histogram(name, labels) {
      let found: { count: number; sum: number; buckets: Record<string, number> } | undefined;
      for (const line of text.split('\n')) {
        const m = LINE.exec(line);
        if (!m?.[1]?.startsWith(`${name}_`)) continue;
        const l = labelsOf(m[2] as string);
        if (!Object.entries(labels).every(([k, v]) => l[k] === v)) continue;
        found ??= { count: 0, sum: 0, buckets: {} };
        const value = Number(m[3]);
        if (m[1] === `${name}_count`) found.count = value;
        else if (m[1] === `${name}_sum`) found.sum = value;
        else if (m[1] === `${name}_bucket` && l.le) found.buckets[l.le] = value;
      }
      return found;
    },
  };
}
