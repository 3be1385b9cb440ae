/** The pre-implementation checklist's verbs (issue 14): check, uncheck, checklist. */
import { showChecklist, tickItem, untickItem } from '../app/checklist.js';
import { CHECKLIST_ITEMS } from '../domain/checklist.js';
import { collectArgs, noExtraPositionals } from './args.js';
import { EXAMPLES } from './help.js';
import { outcomeText } from './replies.js';
import type { Token } from './tokenize.js';
import type { Command } from './types.js';
import { badCommand } from './util.js';
import { type RfcVerb, rfcVerb } from './verb.js';
import { textOf } from './release-parse.js';
import { parseKey } from './verbs.js';

type Of<K extends Command['kind']> = Extract<Command, { kind: K }>;

const KEY = ['RFC-n', 'the RFC'] as const;
const ITEM = ['ITEM', `the checklist item: ${CHECKLIST_ITEMS.join(', ')}`] as const;

/** `check RFC-n ITEM [note="..."]` and `uncheck RFC-n ITEM [reason="..."]`: words after the item are the note or reason. */
function keyItemText<V extends 'check' | 'uncheck'>(verb: V, field: 'note' | 'reason', rest: Token[]): { key: string; item: string; text?: string } {
  const example = EXAMPLES[verb];
  const args = collectArgs(rest, { keys: [field], aliases: field === 'note' ? { evidence: 'note' } : { why: 'reason' }, example });
  const key = parseKey(args.positionals[0]?.token, example);
  const item = args.positionals[1]?.token.value;
  if (!item) badCommand(`Name the checklist item (${CHECKLIST_ITEMS.join(', ')}). Example: ${example}`, { example });
  const text = textOf(args, field, 2, example);
  return text ? { key, item, text } : { key, item };
}

export const CHECKLIST_VERBS: readonly RfcVerb[] = [
  rfcVerb({
    aggregate: 'rfc',
    kind: 'check',
    name: 'check',
    aliases: ['tick'],
    usage: 'check RFC-n ITEM [note="..."]',
    summary: 'tick an item of the pre-implementation checklist',
    args: [KEY, ITEM, ['note="..."', 'what was done, or a link to the evidence (evidence= works too)']],
    example: EXAMPLES.check,
    overview: 'default',
    parse: ({ rest }): Of<'check'> => {
      const r = keyItemText('check', 'note', rest);
      return r.text ? { kind: 'check', key: r.key, item: r.item, note: r.text } : { kind: 'check', key: r.key, item: r.item };
    },
    run: (ctx, actor, cmd) => ({ text: outcomeText(tickItem(ctx, actor, cmd.key, cmd.item, cmd.note)) }),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'uncheck',
    name: 'uncheck',
    aliases: ['untick'],
    usage: 'uncheck RFC-n ITEM [reason="..."]',
    summary: 'take a checklist tick back',
    args: [KEY, ITEM, ['reason="..."', 'why, for the change log']],
    example: EXAMPLES.uncheck,
    overview: 'default',
    parse: ({ rest }): Of<'uncheck'> => {
      const r = keyItemText('uncheck', 'reason', rest);
      return r.text ? { kind: 'uncheck', key: r.key, item: r.item, reason: r.text } : { kind: 'uncheck', key: r.key, item: r.item };
    },
    run: (ctx, actor, cmd) => ({ text: outcomeText(untickItem(ctx, actor, cmd.key, cmd.item, cmd.reason)) }),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'checklist',
    name: 'checklist',
    aliases: [],
    usage: 'checklist RFC-n',
    summary: 'what must be done before it starts: checklist items and open tasks',
    args: [KEY],
    example: EXAMPLES.checklist,
    overview: 'default',
    parse: ({ rest }) => {
      const args = collectArgs(rest, { keys: [], example: EXAMPLES.checklist });
      noExtraPositionals(args, 1, EXAMPLES.checklist);
      return { kind: 'checklist', key: parseKey(args.positionals[0]?.token, EXAMPLES.checklist) };
    },
    run: (ctx, actor, cmd) => ({ text: outcomeText(showChecklist(ctx, actor, cmd.key)) }),
  }),
];
