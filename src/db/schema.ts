/**
 * The database is the single source of truth. Migrations in /migrations are generated from
 * this file by `npm run db:generate` (drizzle-kit) and applied at start and in tests.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const ts = (name: string) => integer(name, { mode: 'timestamp_ms' });
const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

export const people = sqliteTable('people', {
  id: text('id').primaryKey(), // slack:T/U, teams:<aad>, cli:name
  displayName: text('display_name'),
  timezone: text('timezone'),
  createdAt: ts('created_at').notNull(),
});

export const roleGrants = sqliteTable(
  'role_grants',
  {
    personId: text('person_id')
      .notNull()
      .references(() => people.id),
    role: text('role').notNull(),
    grantedBy: text('granted_by').notNull(),
    grantedAt: ts('granted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.role] })],
);

export const services = sqliteTable('services', {
  name: text('name').primaryKey(),
  owner: text('owner'),
  audience: json<string[]>('audience').notNull().default(sql`'[]'`),
  dependsOn: json<string[]>('depends_on').notNull().default(sql`'[]'`),
});

export const maintenanceWindows = sqliteTable('maintenance_windows', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  service: text('service').references(() => services.name, { onDelete: 'cascade' }),
  rrule: text('rrule').notNull(),
  durationMinutes: integer('duration_minutes').notNull(),
  timezone: text('timezone').notNull(),
});

export const blackoutWindows = sqliteTable('blackout_windows', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  startAt: ts('start_at').notNull(),
  endAt: ts('end_at').notNull(),
  reason: text('reason'),
});

/** Gap-free counters (RFC keys): incremented inside the raising transaction. */
export const sequences = sqliteTable('sequences', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});

export const rfcs = sqliteTable(
  'rfcs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    number: integer('number').notNull(),
    key: text('key').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    justification: text('justification'),
    category: text('category').notNull(),
    emergency: integer('emergency', { mode: 'boolean' }).notNull().default(false),
    services: json<string[]>('services').notNull().default(sql`'[]'`),
    impact: text('impact'),
    likelihood: text('likelihood'),
    urgency: text('urgency'),
    plan: text('plan'),
    backout: text('backout'),
    test: text('test'),
    cost: text('cost'),
    /** People, teams and tools the change needs (major changes must say). */
    resources: text('resources'),
    requester: text('requester').notNull(),
    owner: text('owner').notNull(),
    windowStart: ts('window_start'),
    windowEnd: ts('window_end'),
    outageMinutes: integer('outage_minutes'),
    outageAudience: text('outage_audience'),
    problem: text('problem'),
    releaseKey: text('release_key'),
    state: text('state').notNull(),
    voteDeadline: ts('vote_deadline'),
    escalated: integer('escalated', { mode: 'boolean' }).notNull().default(false),
    scheduleReason: text('schedule_reason'),
    /** The approval path fixed when the approval opened (domain ApprovalPath). */
    approvalPath: text('approval_path'),
    /** When the current vote opened (entering awaiting_approval): the reminder falls between it and the deadline. */
    voteOpenedAt: ts('vote_opened_at'),
    /** The CAB members when the vote opened: only they vote on it as CAB. */
    cabMembers: json<string[]>('cab_members'),
    /** The window the approval was given for; a schedule outside it goes back for approval. */
    approvedStart: ts('approved_start'),
    approvedEnd: ts('approved_end'),
    approvedAt: ts('approved_at'),
    /** Post-implementation review: successful | successful-with-issues | failed | backed-out. */
    reviewOutcome: text('review_outcome'),
    causedIncident: integer('caused_incident', { mode: 'boolean' }),
    clonedFrom: text('cloned_from'),
    /** Raised from a standard-change template (issue 14): its name and version; null once edited into a normal change. */
    templateName: text('template_name'),
    templateVersion: integer('template_version'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('rfcs_number_unique').on(t.number), uniqueIndex('rfcs_key_unique').on(t.key), index('rfcs_state_idx').on(t.state)],
);

export const votes = sqliteTable(
  'votes',
  {
    rfcId: integer('rfc_id')
      .notNull()
      .references(() => rfcs.id),
    voter: text('voter').notNull(),
    capacity: text('capacity').notNull(),
    choice: text('choice').notNull(),
    comment: text('comment'),
    castAt: ts('cast_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rfcId, t.voter, t.capacity] })],
);

/** Append-only audit trail: never updated or deleted. */
export const changeLog = sqliteTable(
  'change_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The RFC or release the row is about; both null for deployment-wide rows (role grants...). */
    subjectType: text('subject_type'),
    subjectKey: text('subject_key'),
    at: ts('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    reason: text('reason'),
    detail: json<Record<string, unknown>>('detail'),
    /**
     * Tamper evidence: `hash` is the SHA-256 of this row's canonical content and `prevHash`,
     * and `prevHash` is the previous row's `hash`, so changing or removing a row breaks the
     * chain from there on (`changebot audit verify`). Null only until the chain is extended.
     */
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [index('change_log_subject_idx').on(t.subjectType, t.subjectKey)],
);

/**
 * Transactional outbox: the notifications a use case implies, written in the same transaction
 * as the change, so a change made anywhere (CLI, another process, a crash right after commit)
 * is still delivered by the bot's dispatcher.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subjectType: text('subject_type').notNull(),
    subjectKey: text('subject_key').notNull(),
    event: text('event').notNull(),
    notification: json<Record<string, unknown>>('notification').notNull(),
    createdAt: ts('created_at').notNull(),
    dispatchedAt: ts('dispatched_at'),
  },
  (t) => [index('outbox_pending_idx').on(t.dispatchedAt)],
);

/** One row per (notification, recipient): written before sending so a retry never sends twice. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    notificationKey: text('notification_key').notNull(),
    recipient: text('recipient').notNull(),
    subjectType: text('subject_type'),
    subjectKey: text('subject_key'),
    status: text('status').notNull(), // pending | sending | sent | failed
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    messageRef: text('message_ref'),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
  },
  (t) => [uniqueIndex('deliveries_notification_recipient').on(t.notificationKey, t.recipient), index('deliveries_subject_idx').on(t.subjectType, t.subjectKey)],
);

/** Where a card about a subject was posted, so it can be updated in place later. */
export const chatMessages = sqliteTable(
  'chat_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subjectType: text('subject_type').notNull(),
    subjectKey: text('subject_key').notNull(),
    platform: text('platform').notNull(),
    kind: text('kind').notNull(), // vote-card, ...
    conversation: text('conversation').notNull(),
    messageId: text('message_id').notNull(),
    thread: text('thread'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('chat_messages_unique').on(t.subjectType, t.subjectKey, t.platform, t.kind, t.conversation)],
);

/** Conversations the bot can reach proactively (Teams conversation references, Slack channels). */
export const conversations = sqliteTable(
  'conversations',
  {
    platform: text('platform').notNull(),
    id: text('id').notNull(),
    kind: text('kind').notNull(), // personal | channel | group
    tenant: text('tenant'),
    team: text('team'),
    personId: text('person_id'),
    reference: json<Record<string, unknown>>('reference').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.id] }), index('conversations_person_idx').on(t.personId)],
);

/** Inbound requests already handled (platform retries), keyed by a platform-specific id. */
export const inboundRequests = sqliteTable(
  'inbound_requests',
  {
    id: text('id').primaryKey(),
    receivedAt: ts('received_at').notNull(),
    /** 'slack' | 'teams' (null for claims made before requests were kept). */
    platform: text('platform'),
    /** What is needed to apply the request again after a crash, or to tell its author. */
    request: json<Record<string, unknown>>('request'),
    /** 'pending' until handled; 'done' in the use case's transaction; 'replayed' or 'told' after a restart. */
    state: text('state').notNull().default('done'),
    doneAt: ts('done_at'),
  },
  (t) => [index('inbound_requests_state_idx').on(t.state)],
);

/** Runtime settings changed from chat, e.g. `cab-channel:slack`. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Releases (REL-n, gap-free through `sequences` 'release'). Package, tests, sign-offs and readiness are small, read whole: JSON. */
export const releases = sqliteTable(
  'releases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    number: integer('number').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    goal: text('goal'),
    manager: text('manager').notNull(),
    targetDate: ts('target_date'),
    testingCoordinator: text('testing_coordinator'),
    communicationsCoordinator: text('communications_coordinator'),
    trainingCoordinator: text('training_coordinator'),
    statusSlack: text('status_slack'),
    statusTeams: text('status_teams'),
    phase: text('phase').notNull(),
    suspendedFrom: text('suspended_from'),
    plan: json<Record<string, string | null>>('plan').notNull(),
    package: json<Record<string, unknown>>('package').notNull(),
    tests: json<Record<string, unknown>[]>('tests').notNull().default(sql`'[]'`),
    signoffs: json<Record<string, unknown>[]>('signoffs').notNull().default(sql`'[]'`),
    readiness: json<Record<string, Record<string, unknown>>>('readiness').notNull().default(sql`'{}'`),
    goDecisions: json<Record<string, unknown>[]>('go_decisions').notNull().default(sql`'[]'`),
    backoutProvenBy: text('backout_proven_by'),
    pilotApprovedBy: text('pilot_approved_by'),
    review: json<Record<string, unknown>>('review'),
    reason: text('reason'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('releases_number_unique').on(t.number), uniqueIndex('releases_key_unique').on(t.key), index('releases_phase_idx').on(t.phase)],
);

/** A release's deployment waves (deployment groups), each with a window like an RFC's. */
export const releaseWaves = sqliteTable(
  'release_waves',
  {
    releaseId: integer('release_id')
      .notNull()
      .references(() => releases.id),
    number: integer('number').notNull(),
    pilot: integer('pilot', { mode: 'boolean' }).notNull().default(false),
    windowStart: ts('window_start').notNull(),
    windowEnd: ts('window_end').notNull(),
    services: json<string[]>('services').notNull().default(sql`'[]'`),
    audience: text('audience'),
    outageMinutes: integer('outage_minutes').notNull().default(0),
    state: text('state').notNull(),
    startedBy: text('started_by'),
    startedAt: ts('started_at'),
    override: text('override'),
    outcomeBy: text('outcome_by'),
    outcomeNote: text('outcome_note'),
    finishedAt: ts('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.number] }), index('release_waves_window_idx').on(t.windowStart)],
);

/**
 * Web sign-in links (`/rfc web`): single-use, short-lived. Only the SHA-256 of the token is
 * kept, so a copy of the database cannot be used to sign in.
 */
export const webLinks = sqliteTable('web_links', {
  tokenHash: text('token_hash').primaryKey(),
  personId: text('person_id').notNull(),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

/** Web sessions: the cookie holds a random id whose SHA-256 is the key; `csrf` is the session's form token. */
export const webSessions = sqliteTable(
  'web_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    personId: text('person_id').notNull(),
    csrf: text('csrf').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('web_sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Calendar (ICS) feeds: one secret URL token per person and feed (`all`, `mine`,
 * `service:NAME`). The token is the feed's address, shown again whenever its owner lists the
 * feeds, so it is kept as is; rotating replaces it (the old URL then answers 404).
 */
export const calendarFeeds = sqliteTable(
  'calendar_feeds',
  {
    token: text('token').primaryKey(),
    personId: text('person_id').notNull(),
    feed: text('feed').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('calendar_feeds_person_feed_idx').on(t.personId, t.feed)],
);

/**
 * Standard-change templates (issue 14): an approved recipe anyone may raise a pre-approved
 * change from. The name is the template; each change to it is a new version (a row of
 * `template_versions`); retiring it keeps every version (RFCs name the one they came from).
 */
export const templates = sqliteTable('templates', {
  name: text('name').primaryKey(),
  /** The version new RFCs are raised from. */
  currentVersion: integer('current_version').notNull(),
  retiredAt: ts('retired_at'),
  retiredBy: text('retired_by'),
  createdBy: text('created_by').notNull(),
  createdAt: ts('created_at').notNull(),
});

export const templateVersions = sqliteTable(
  'template_versions',
  {
    templateName: text('template_name')
      .notNull()
      .references(() => templates.name),
    version: integer('version').notNull(),
    /** What a title raised from it must look like (`*` matches any words): `Add * users to *`. */
    titlePattern: text('title_pattern').notNull(),
    description: text('description'),
    services: json<string[]>('services').notNull().default(sql`'[]'`),
    plan: text('plan'),
    backout: text('backout'),
    test: text('test'),
    maxDurationMinutes: integer('max_duration_minutes'),
    /** Where its changes may run: 'maintenance' (inside a maintenance window of its services) or 'any'. */
    allowedWindows: text('allowed_windows').notNull().default('maintenance'),
    /** The change tasks each RFC raised from it gets: `{ title, team?, person?, due? }`. */
    tasks: json<Record<string, unknown>[]>('tasks').notNull().default(sql`'[]'`),
    /** Pre-implementation checklist items beyond the category's: item ids or titles. */
    checklist: json<string[]>('checklist').notNull().default(sql`'[]'`),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.templateName, t.version] })],
);

/**
 * Teams (issue 14): named groups of people that take change tasks (and later approve). Members
 * are listed, or come from a Slack user group or a Teams channel the team is bound to.
 */
export const teams = sqliteTable('teams', {
  name: text('name').primaryKey(),
  /** Bound to a Slack user group (its id, S0123): its members are the group's. */
  slackUsergroup: text('slack_usergroup'),
  /** Bound to a Teams channel (conversation id): told there. */
  teamsChannel: text('teams_channel'),
  createdBy: text('created_by').notNull(),
  createdAt: ts('created_at').notNull(),
});

export const teamMembers = sqliteTable(
  'team_members',
  {
    team: text('team')
      .notNull()
      .references(() => teams.name, { onDelete: 'cascade' }),
    personId: text('person_id').notNull(),
    addedBy: text('added_by').notNull(),
    addedAt: ts('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.team, t.personId] }), index('team_members_person_idx').on(t.personId)],
);

/** Change tasks (issue 14): per RFC, numbered 1, 2, ... within it, assigned to a team or a person. */
export const rfcTasks = sqliteTable(
  'rfc_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rfcKey: text('rfc_key').notNull(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    team: text('team'),
    assignee: text('assignee'),
    /** When it must be done; null: before the window opens. */
    dueAt: ts('due_at'),
    /** 'open' | 'done' | 'not_applicable'. */
    state: text('state').notNull().default('open'),
    /** The note given when done, or the reason it does not apply. */
    note: text('note'),
    doneBy: text('done_by'),
    doneAt: ts('done_at'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('rfc_tasks_number_idx').on(t.rfcKey, t.number)],
);

/** Pre-implementation checklist ticks (issue 14): an item of the RFC's checklist, ticked by a named person. */
export const rfcChecklist = sqliteTable(
  'rfc_checklist',
  {
    rfcKey: text('rfc_key').notNull(),
    item: text('item').notNull(),
    tickedBy: text('ticked_by').notNull(),
    tickedAt: ts('ticked_at').notNull(),
    /** A note, or a link to the evidence (the restore log, the test report). */
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.rfcKey, t.item] })],
);
