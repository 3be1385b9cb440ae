/**
 * The `/rfc` command language as data: parsed once (parser.ts) for Slack, Teams and the CLI,
 * executed once (execute.ts).
 */
import type { Category, Level, Role, VoteChoice } from '../domain/types.js';

/** Fields settable by `new` and `edit`. Dates are already resolved to UTC instants. */
export interface RfcFields {
  title?: string;
  description?: string;
  justification?: string;
  category?: Category;
  emergency?: boolean;
  services?: string[];
  impact?: Level;
  likelihood?: Level;
  urgency?: Level;
  plan?: string;
  backout?: string;
  test?: string;
  cost?: string;
  /** A person id (`slack:T/U`, `teams:...`, `cli:name`) resolved from a mention or name. */
  owner?: string;
  start?: Date;
  end?: Date;
  /** Minutes. With `start` and no `end`, end = start + duration. */
  durationMinutes?: number;
  /** Expected outage in minutes; 0 = none. */
  outageMinutes?: number;
  audience?: string;
  problem?: string;
}

export type ListFilter = 'mine' | 'pending' | 'scheduled' | 'all';

export type AdminCommand =
  | { kind: 'grant'; person: string; role: Role }
  | { kind: 'revoke'; person: string; role: Role }
  | { kind: 'roles'; person?: string }
  | {
      kind: 'service-add';
      name: string;
      owner?: string;
      audience?: string[];
      dependsOn?: string[];
    }
  | { kind: 'service-remove'; name: string }
  | { kind: 'service-list' }
  | { kind: 'window-add'; service?: string; rrule: string; durationMinutes: number }
  | { kind: 'window-remove'; id: number }
  | { kind: 'window-list' }
  | { kind: 'blackout-add'; start: Date; end: Date; reason?: string }
  | { kind: 'blackout-remove'; id: number }
  | { kind: 'blackout-list' }
  | { kind: 'cab-channel'; channel?: string };

export type Command =
  | { kind: 'help'; topic?: string }
  | { kind: 'new'; fields: RfcFields }
  | { kind: 'show'; key: string }
  | { kind: 'list'; filter: ListFilter }
  | { kind: 'edit'; key: string; fields: RfcFields }
  | { kind: 'submit'; key: string }
  | { kind: 'vote'; key: string; choice: VoteChoice; comment?: string }
  | {
      kind: 'schedule';
      key: string;
      start?: Date;
      end?: Date;
      durationMinutes?: number;
      reason?: string;
      /** Change manager acknowledges the listed conflicts. */
      ack?: boolean;
    }
  | { kind: 'reschedule'; key: string; start?: Date; end?: Date; durationMinutes?: number; reason?: string; ack?: boolean }
  | { kind: 'start'; key: string; reason?: string }
  | { kind: 'done'; key: string; reason?: string }
  | { kind: 'fail'; key: string; reason?: string }
  | { kind: 'backout'; key: string; reason?: string }
  | { kind: 'review'; key: string; notes?: string }
  | { kind: 'close'; key: string; reason?: string }
  | { kind: 'cancel'; key: string; reason?: string }
  | { kind: 'withdraw'; key: string; reason?: string }
  | { kind: 'log'; key: string }
  | { kind: 'conflicts'; key: string }
  | { kind: 'calendar'; days: number; service?: string }
  | { kind: 'slot'; service: string; durationMinutes: number }
  | { kind: 'admin'; command: AdminCommand };

/** Who is typing, so the parser can resolve mentions and read dates in their zone. */
export interface ParseContext {
  platform: 'slack' | 'teams' | 'cli';
  /** Slack team id or Teams tenant id; empty for the CLI. */
  workspace: string;
  timezone: string;
  now: Date;
}
