/**
 * Platform-neutral view models. Slack renders them into Block Kit, Teams into Adaptive Cards,
 * the CLI into plain text (text.ts). Times are already formatted in the viewer's zone.
 */
import type { Conflict } from './conflicts.js';
import type { HoldingRelease } from './release-rules.js';
import { type Policy, approvalPath, riskOf, usesCab } from './policy.js';
import { OUTCOME_WORDS, needsProblem } from './review.js';
import { STATE_LABELS } from './rfc-machine.js';
import type { Category, Level, PersonId, Rfc, RfcState, Vote, VoteChoice, Window } from './types.js';
import { awaitingSignoff, decide, tally } from './votes.js';
import { TASK_STATE_LABELS, type Task, type TaskState, effectiveDue } from './tasks.js';
import { formatInstant, formatRange } from './windows.js';

export interface TallyView {
  approve: number;
  reject: number;
  abstain: number;
  cast: number;
  quorum: number;
  voters: { person: PersonId; choice: VoteChoice; asManager: boolean }[];
  /** "Approved: approved by the CAB (3–0)" or "Waiting for 2 more CAB votes (quorum 3)". */
  status: string;
}

export interface RfcView {
  key: string;
  title: string;
  state: RfcState;
  stateLabel: string;
  category: Category;
  emergency: boolean;
  /** The vote passed its deadline undecided (it is the change managers' now). */
  escalated: boolean;
  risk: Level | null;
  impact: Level | null;
  likelihood: Level | null;
  urgency: Level | null;
  cost: string | null;
  resources: string | null;
  /** The CAB members of the vote's opening; null when no CAB vote is open. */
  cabMembers: PersonId[] | null;
  /** Those of them who have not voted yet. */
  expectedVoters: PersonId[];
  /** A high-risk major change waits for the change manager's sign-off before the CAB votes. */
  awaitingSignoff: boolean;
  /** A failed or backed-out review waits for a problem reference before it can be closed. */
  needsProblem: boolean;
  /** Starting is allowed now: inside the window, or an emergency (true when the view has no clock). */
  startable: boolean;
  services: string[];
  /** The window in the viewer's zone, and its instants (for platforms that localise). */
  window: string | null;
  windowAt: Window | null;
  requester: PersonId;
  owner: PersonId;
  /** Who reported its implementation (started, completed, failed or backed it out). */
  implementers: PersonId[];
  description: string | null;
  justification: string | null;
  plan: string | null;
  backout: string | null;
  test: string | null;
  outage: string | null;
  /** The post-implementation review's findings, once recorded: "Failed", "Yes". */
  reviewOutcome: string | null;
  causedIncident: string | null;
  /** The problem record it links to. */
  problem: string | null;
  approval: string;
  /** The release it belongs to, whose waves deploy it (release-rules.ts `heldByRelease`). */
  release: HoldingRelease | null;
  conflicts: string[];
  tally: TallyView | null;
  deadline: string | null;
  deadlineAt: Date | null;
  /** Its change tasks (src/domain/tasks.ts), in order, with who did what. */
  tasks: TaskView[];
}

export interface TaskView {
  number: number;
  title: string;
  team: string | null;
  assignee: PersonId | null;
  state: TaskState;
  stateLabel: string;
  /** When it is due, in the viewer's zone; null: before a window not planned yet. */
  due: string | null;
  dueAt: Date | null;
  note: string | null;
  doneBy: PersonId | null;
  doneAt: string | null;
}

export function taskView(task: Task, rfc: Pick<Rfc, 'window'>, zone: string): TaskView {
  const due = effectiveDue(task, rfc);
  return {
    number: task.number,
    title: task.title,
    team: task.team,
    assignee: task.assignee,
    state: task.state,
    stateLabel: TASK_STATE_LABELS[task.state],
    due: due ? formatInstant(due, zone) : null,
    dueAt: due,
    note: task.note,
    doneBy: task.doneBy,
    doneAt: task.doneAt ? formatInstant(task.doneAt, zone) : null,
  };
}

const APPROVAL_WORDS = {
  'pre-approved': 'pre-approved (standard)',
  'change-manager': 'change manager',
  cab: 'CAB vote',
  'cab+signoff': 'CAB vote + change manager sign-off',
  'signoff-then-cab': 'change manager sign-off, then CAB vote',
  'emergency-cab': 'emergency CAB',
} as const;

export function rfcView(
  rfc: Rfc,
  opts: {
    votes: Vote[];
    conflicts: Conflict[];
    implementers: PersonId[];
    policy: Policy;
    zone: string;
    now?: Date;
    release?: HoldingRelease | null;
    tasks?: readonly Task[];
  },
): RfcView {
  const path = approvalPath(rfc, opts.policy);
  const open = rfc.state === 'awaiting_approval' && usesCab(path);
  const showTally = ['awaiting_approval', 'approved', 'rejected'].includes(rfc.state) && path !== 'pre-approved';
  let tallyView: TallyView | null = null;
  if (showTally) {
    const t = tally(path, opts.policy, opts.votes);
    const d = decide(rfc, opts.policy, opts.votes);
    const status =
      rfc.state === 'awaiting_approval'
        ? d.outcome === 'pending'
          ? `Waiting for ${d.waitingFor}`
          : `${cap(d.outcome)}: ${d.reason}`
        : STATE_LABELS[rfc.state];
    tallyView = {
      approve: t.approve,
      reject: t.reject,
      abstain: t.abstain,
      cast: t.cast,
      quorum: t.quorum,
      voters: opts.votes.map((v) => ({ person: v.voter, choice: v.choice, asManager: v.capacity === 'change-manager' })),
      status,
    };
  }
  return {
    key: rfc.key,
    title: rfc.title,
    state: rfc.state,
    stateLabel: STATE_LABELS[rfc.state],
    category: rfc.category,
    emergency: rfc.emergency,
    escalated: rfc.escalated,
    risk: riskOf(rfc.impact, rfc.likelihood),
    impact: rfc.impact,
    likelihood: rfc.likelihood,
    urgency: rfc.urgency,
    cost: rfc.cost,
    resources: rfc.resources,
    cabMembers: open ? rfc.cabMembers : null,
    expectedVoters: open && rfc.cabMembers ? rfc.cabMembers.filter((id) => !opts.votes.some((v) => v.voter === id)) : [],
    awaitingSignoff: open && awaitingSignoff(rfc, opts.policy, opts.votes),
    startable: startable(rfc, opts.now),
    needsProblem: needsProblem(rfc),
    services: rfc.services,
    window: rfc.window ? formatRange(rfc.window, opts.zone) : null,
    windowAt: rfc.window,
    requester: rfc.requester,
    owner: rfc.owner,
    implementers: opts.implementers,
    description: rfc.description,
    justification: rfc.justification,
    plan: rfc.plan,
    backout: rfc.backout,
    test: rfc.test,
    outage: rfc.outage?.minutes ? `${formatMinutes(rfc.outage.minutes)}${rfc.outage.audience ? ` for ${rfc.outage.audience}` : ''}` : null,
    reviewOutcome: rfc.review ? cap(OUTCOME_WORDS[rfc.review.outcome]) : null,
    causedIncident: rfc.review ? (rfc.review.causedIncident ? 'Yes' : 'No') : null,
    problem: rfc.problem?.trim() || null,
    approval: APPROVAL_WORDS[path],
    release: opts.release ?? null,
    conflicts: opts.conflicts.map((c) => c.message),
    tally: tallyView,
    deadline: rfc.state === 'awaiting_approval' && rfc.voteDeadline ? formatInstant(rfc.voteDeadline, opts.zone) : null,
    deadlineAt: rfc.state === 'awaiting_approval' ? rfc.voteDeadline : null,
    tasks: (opts.tasks ?? []).map((t) => taskView(t, rfc, opts.zone)),
  };
}

export interface RfcSummaryView {
  key: string;
  title: string;
  stateLabel: string;
  window: string | null;
  services: string[];
  risk: Level | null;
}

export function summaryView(rfc: Rfc, zone: string): RfcSummaryView {
  return {
    key: rfc.key,
    title: rfc.title,
    stateLabel: STATE_LABELS[rfc.state],
    window: rfc.window ? formatRange(rfc.window, zone) : null,
    services: rfc.services,
    risk: riskOf(rfc.impact, rfc.likelihood),
  };
}

/** The window rule of `start` (implementation.ts `checkStart`), for the cards' Start button. */
function startable(rfc: Rfc, now: Date | undefined): boolean {
  if (!now || !rfc.window || rfc.emergency) return true;
  return now.getTime() >= rfc.window.start.getTime() && now.getTime() < rfc.window.end.getTime();
}

export function formatMinutes(m: number): string {
  const h = Math.floor(m / 60);
  const r = m % 60;
  return h ? `${h} h${r ? ` ${r} min` : ''}` : `${r} min`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
