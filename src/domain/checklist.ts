/**
 * The pre-implementation checklist (issue 14): what must be true before a change starts,
 * per category (the policy's `checklist`). Each item is ticked by a named person, with an
 * optional note or evidence link; "affected users informed" ticks itself when the outage
 * notice was delivered, and does not apply to a change that announces no outage.
 */
import type { Category } from './types.js';

export const CHECKLIST_ITEMS = ['release-notes', 'lab-test', 'users-informed', 'backup-verified', 'rollback-rehearsed'] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];

export const CHECKLIST_LABELS: Record<ChecklistItem, string> = {
  'release-notes': 'Release notes reviewed',
  'lab-test': 'Lab test passed',
  'users-informed': 'Affected users informed',
  'backup-verified': 'Backup verified and restored to a standby',
  'rollback-rehearsed': 'Rollback rehearsed',
};

const SIGNIFICANT: readonly ChecklistItem[] = ['release-notes', 'lab-test', 'users-informed', 'backup-verified'];

/** The defaults: nothing for standard and minor changes; significant and major as the Lync guide runs them. */
export const DEFAULT_CHECKLIST: Record<Category, readonly ChecklistItem[]> = {
  standard: [],
  minor: [],
  significant: SIGNIFICANT,
  major: [...SIGNIFICANT, 'rollback-rehearsed'],
};

export function isChecklistItem(s: string): s is ChecklistItem {
  return (CHECKLIST_ITEMS as readonly string[]).includes(s);
}

export interface Tick {
  item: string;
  by: string;
  at: Date;
  note?: string | null;
}

export interface ChecklistLine {
  item: ChecklistItem;
  label: string;
  /** Ticked by a person, ticked by the bot (the outage notice went out), or open. */
  state: 'ticked' | 'auto' | 'open' | 'not-applicable';
  by?: string;
  at?: Date;
  note?: string | null;
}

/**
 * The RFC's checklist as it stands: the category's items in order, each ticked (by whom,
 * when, with what note), ticked by the delivered outage notice, not applicable (users informed,
 * when no outage is announced), or open.
 */
export function checklistOf(
  items: readonly ChecklistItem[],
  ticks: readonly Tick[],
  facts: { announcesOutage: boolean; noticeDeliveredAt?: Date | undefined },
): ChecklistLine[] {
  return items.map((item) => {
    const label = CHECKLIST_LABELS[item];
    const tick = ticks.find((t) => t.item === item);
    if (tick) return { item, label, state: 'ticked', by: tick.by, at: tick.at, note: tick.note ?? null };
    if (item === 'users-informed') {
      if (!facts.announcesOutage) return { item, label, state: 'not-applicable', note: 'no outage is announced' };
      if (facts.noticeDeliveredAt) return { item, label, state: 'auto', by: 'changebot', at: facts.noticeDeliveredAt, note: 'the outage notice was delivered' };
    }
    return { item, label, state: 'open' };
  });
}

export function openItems(lines: readonly ChecklistLine[]): ChecklistLine[] {
  return lines.filter((l) => l.state === 'open');
}

/** States in which the checklist is worked through: before the change starts. */
export const CHECKLIST_STATES = ['draft', 'submitted', 'awaiting_approval', 'approved', 'scheduled'] as const;

/** Who ticks an item: the change's requester or owner, or a change manager (the people preparing it). */
export function mayTick(actor: { id: string; roles: ReadonlySet<string> }, rfc: { requester: string; owner: string }): boolean {
  return actor.id === rfc.requester || actor.id === rfc.owner || actor.roles.has('change-manager');
}

/** What `start` says is still open: every checklist item and every open task, by name. */
export function startBlockers(open: readonly ChecklistLine[], tasks: readonly { number: number; title: string }[]): string[] {
  return [...open.map((l) => `checklist: ${l.label} (\`${l.item}\`)`), ...tasks.map((t) => `task ${t.number}: ${t.title}`)];
}
