/**
 * The `/rfc` command language as data: parsed once (parser.ts) for Slack, Teams and the CLI,
 * executed once (execute.ts) through the verb registry. Each variant is the syntax's name for a
 * use case plus that use case's own input (src/app/inputs.ts), so no field list is repeated here.
 */
import type {
  AuditInput,
  BlackoutInput,
  ExportInput,
  GrantInput,
  IdInput,
  ListFilter,
  MaintenanceWindowInput,
  NoGoInput,
  PackageInput,
  PilotInput,
  PolicySetInput,
  ReleaseFields,
  ReleaseListFilter,
  ReleasePlanInput,
  ReleaseReviewInput,
  ReleaseRfcInput,
  ReviewInput,
  RfcFields,
  RolesInput,
  ScheduleInput,
  ServiceInput,
  ServiceRemoveInput,
  SignoffInput,
  TemplateInput,
  TestResultInput,
  TickInput,
  WaveInput,
  WaveStepInput,
} from '../app/inputs.js';
import type { FeedChoice } from '../app/feeds.js';
import type { TaskAddInput, TaskFinishInput } from '../app/tasks.js';
import type { TeamAddInput, TeamMembersInput, TeamNameInput } from '../app/teams.js';
import type { VoteChoice } from '../domain/types.js';

export type { ListFilter, RfcFields } from '../app/inputs.js';

export type AdminCommand =
  | ({ kind: 'grant' } & GrantInput)
  | ({ kind: 'revoke' } & GrantInput)
  | ({ kind: 'roles' } & RolesInput)
  | ({ kind: 'log' } & AuditInput)
  | ({ kind: 'export'; format: 'csv' | 'json'; typed: { from: string; to: string } } & ExportInput)
  | ({ kind: 'service-add' } & ServiceInput)
  | ({ kind: 'service-remove' } & ServiceRemoveInput)
  | { kind: 'service-list' }
  | ({ kind: 'window-add' } & MaintenanceWindowInput)
  | ({ kind: 'window-remove' } & IdInput)
  | { kind: 'window-list' }
  | ({ kind: 'blackout-add' } & BlackoutInput)
  | ({ kind: 'blackout-remove' } & IdInput)
  | { kind: 'blackout-list' }
  /** No channel: set it to the channel the command was typed in, or show it (the CLI). */
  | { kind: 'cab-channel'; channel?: string }
  | { kind: 'policy-list' }
  | ({ kind: 'policy-set' } & PolicySetInput)
  | ({ kind: 'team-add' } & TeamAddInput & { here?: boolean })
  | ({ kind: 'team-remove' } & TeamNameInput)
  | { kind: 'team-list' }
  | ({ kind: 'team-members' } & TeamMembersInput);

export type Command =
  | { kind: 'help'; topic?: string }
  | { kind: 'new'; fields: RfcFields }
  | { kind: 'show'; key: string }
  | { kind: 'list'; filter: ListFilter }
  | { kind: 'edit'; key: string; fields: RfcFields }
  | { kind: 'submit'; key: string }
  | { kind: 'vote'; key: string; choice: VoteChoice; comment?: string }
  | ({ kind: 'schedule'; key: string } & ScheduleInput)
  | ({ kind: 'reschedule'; key: string } & ScheduleInput)
  | { kind: 'start'; key: string; reason?: string; override?: string }
  | { kind: 'done'; key: string; reason?: string }
  | { kind: 'fail'; key: string; reason?: string }
  | { kind: 'backout'; key: string; reason?: string }
  | ({ kind: 'review'; key: string } & ReviewInput)
  | { kind: 'close'; key: string; reason?: string }
  | { kind: 'cancel'; key: string; reason?: string }
  | { kind: 'withdraw'; key: string; reason?: string }
  | { kind: 'clone'; key: string }
  | { kind: 'log'; key: string }
  | { kind: 'conflicts'; key: string }
  | { kind: 'calendar'; days: number; service?: string }
  | { kind: 'calendar'; feeds: 'list' | 'rotate'; which?: FeedChoice }
  | { kind: 'slot'; service: string; durationMinutes: number }
  | { kind: 'web' }
  | { kind: 'check'; key: string; item: string; note?: string }
  | { kind: 'uncheck'; key: string; item: string; reason?: string }
  | { kind: 'checklist'; key: string }
  | { kind: 'template'; command: TemplateCommand }
  | { kind: 'task'; command: TaskCommand }
  | { kind: 'admin'; command: AdminCommand }
  | { kind: 'release'; command: ReleaseCommand };

/** `template add|edit|retire|list|show` (templates.ts in src/app). */
export type TemplateCommand =
  | { action: 'add' | 'edit'; input: TemplateInput }
  | { action: 'retire'; name: string; reason?: string }
  | { action: 'list' }
  | { action: 'show'; name: string };

/** `task add|done|skip|list` (src/commands/task-verbs.ts): the change-task use cases' inputs. */
export type TaskCommand = ({ action: 'add' } & TaskAddInput) | ({ action: 'finish' } & TaskFinishInput) | { action: 'list'; key: string };

/**
 * `release ...` (Slack `/release`, Teams `release ...`, the CLI's `changebot release ...`): the
 * release verbs, each the name of a use case in src/app/releases.ts plus its input. `key` is a
 * release key (REL-3).
 */
export type ReleaseCommand =
  | { kind: 'release-help'; topic?: string }
  /** `here`: `channel=here`, the channel it is typed in (known when it runs). */
  | { kind: 'release-new'; fields: ReleaseFields; here?: boolean }
  | { kind: 'release-show'; key: string }
  | { kind: 'release-readiness'; key: string }
  | { kind: 'release-list'; filter: ReleaseListFilter }
  | { kind: 'release-log'; key: string }
  /** `edit` and `team`: both are editRelease. */
  | { kind: 'release-edit'; key: string; fields: ReleaseFields; here?: boolean }
  | ({ kind: 'release-add'; key: string } & ReleaseRfcInput)
  | ({ kind: 'release-remove'; key: string } & ReleaseRfcInput)
  | ({ kind: 'release-plan'; key: string } & ReleasePlanInput)
  | { kind: 'release-phase'; key: string }
  | ({ kind: 'release-package'; key: string } & PackageInput)
  | ({ kind: 'release-test'; key: string } & TestResultInput)
  | ({ kind: 'release-signoff'; key: string } & SignoffInput)
  | ({ kind: 'release-pilot'; key: string } & PilotInput)
  | ({ kind: 'release-tick'; key: string } & TickInput)
  | { kind: 'release-go'; key: string }
  | ({ kind: 'release-nogo'; key: string } & NoGoInput)
  | ({ kind: 'wave-add'; key: string } & WaveInput)
  | ({ kind: 'wave-start'; key: string } & WaveStepInput)
  | ({ kind: 'wave-finish'; key: string; outcome: 'successful' | 'failed' | 'backed_out' } & WaveStepInput)
  /** `wave backout REL-n all`: the release backed out as a whole. */
  | { kind: 'release-backout'; key: string; reason?: string }
  | ({ kind: 'release-review'; key: string } & ReleaseReviewInput)
  | { kind: 'release-close'; key: string; reason?: string }
  | { kind: 'release-suspend'; key: string; reason?: string }
  | { kind: 'release-resume'; key: string; reason?: string }
  | { kind: 'release-cancel'; key: string; reason?: string };

/** Who is typing, so the parser can resolve mentions and read dates in their zone. */
export interface ParseContext {
  platform: 'slack' | 'teams' | 'cli';
  /** Slack team id or Teams tenant id; empty for the CLI. */
  workspace: string;
  timezone: string;
  now: Date;
}
