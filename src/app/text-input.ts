/**
 * The app layer's side of the text rules (src/domain/text-rules.ts): every use case that takes
 * text passes it through these at its start, before anything is checked, stored or sent, so
 * every caller (commands, forms, buttons, an HTTP API later) gets the same cleaning and caps.
 */
import { type TextField, checkText } from '../domain/text-rules.js';

/** A reason, comment or note given with an action: cleaned and capped; blank gives undefined. */
export function said(field: TextField, value: string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return checkText(field, value) || undefined;
}

/** A copy of `input` with each string property named in `rules` cleaned and capped by its rule ("" when nothing visible is left). */
export function cleanInput<T extends object>(input: T, rules: { readonly [K in keyof T]?: TextField }): T {
  const out = { ...input } as Record<string, unknown>;
  for (const [k, rule] of Object.entries(rules) as [string, TextField][]) {
    const v = out[k];
    if (typeof v === 'string') out[k] = checkText(rule, v);
  }
  return out as T;
}
