import { and, asc, desc, eq, gt, inArray, lt, notInArray, sql } from 'drizzle-orm';
import type {
  GoDecision,
  ReadinessFactor,
  ReadinessMark,
  Release,
  ReleasePackage,
  ReleasePhase,
  ReleasePlan,
  ReleaseReview,
  Signoff,
  TestResult,
  Wave,
  WaveState,
  WorkPhase,
} from '../../domain/release.js';
import type { WaveSlot } from '../../domain/conflicts.js';
import { TIMED_PHASES } from '../../domain/timers.js';
import type { Rfc, Window } from '../../domain/types.js';
import type { Db } from '../client.js';
import { preparedPer } from '../prepared.js';
import { noteScheduleWrite } from '../schedule-version.js';
import { releaseWaves, releases, rfcs } from '../schema.js';
import { nextSequence, toRfc } from './rfcs.js';

type Row = typeof releases.$inferSelect;
type WaveRow = typeof releaseWaves.$inferSelect;
export type ReleaseInsert = Omit<Release, 'id' | 'key' | 'waves'>;

const date = (v: unknown): Date => new Date(v as string);

function toWave(w: WaveRow): Wave {
  return {
    number: w.number,
    pilot: w.pilot,
    window: { start: w.windowStart, end: w.windowEnd },
    services: w.services,
    audience: w.audience,
    outageMinutes: w.outageMinutes,
    state: w.state as WaveState,
    startedBy: w.startedBy,
    startedAt: w.startedAt,
    override: w.override,
    outcomeBy: w.outcomeBy,
    outcomeNote: w.outcomeNote,
    finishedAt: w.finishedAt,
  };
}

function toRelease(r: Row, waves: Wave[]): Release {
  const pkg = r.package as Record<string, unknown>;
  const readiness: Partial<Record<ReadinessFactor, ReadinessMark>> = {};
  for (const [k, m] of Object.entries(r.readiness)) readiness[k as ReadinessFactor] = { ...m, at: date(m.at) } as ReadinessMark;
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    goal: r.goal,
    manager: r.manager,
    targetDate: r.targetDate,
    team: { testing: r.testingCoordinator, communications: r.communicationsCoordinator, training: r.trainingCoordinator },
    channels: { slack: r.statusSlack, teams: r.statusTeams },
    phase: r.phase as ReleasePhase,
    suspendedFrom: r.suspendedFrom as WorkPhase | null,
    plan: r.plan as unknown as ReleasePlan,
    package: {
      artifacts: (pkg.artifacts as ReleasePackage['artifacts']) ?? [],
      install: (pkg.install as string | null) ?? null,
      removal: (pkg.removal as string | null) ?? null,
      frozenAt: pkg.frozenAt ? date(pkg.frozenAt) : null,
      amendedAfterReview: !!pkg.amendedAfterReview,
    },
    tests: r.tests.map((t) => ({ ...t, at: date(t.at) }) as unknown as TestResult),
    signoffs: r.signoffs.map((s) => ({ ...s, at: date(s.at) }) as unknown as Signoff),
    readiness,
    goDecisions: r.goDecisions.map((g) => ({ ...g, at: date(g.at) }) as unknown as GoDecision),
    backoutProven: !!r.backoutProvenBy,
    backoutProvenBy: r.backoutProvenBy,
    pilotApprovedBy: r.pilotApprovedBy,
    review: r.review as unknown as ReleaseReview | null,
    reason: r.reason,
    waves,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function toRow(r: ReleaseInsert) {
  return {
    name: r.name,
    goal: r.goal,
    manager: r.manager,
    targetDate: r.targetDate,
    testingCoordinator: r.team.testing,
    communicationsCoordinator: r.team.communications,
    trainingCoordinator: r.team.training,
    statusSlack: r.channels.slack,
    statusTeams: r.channels.teams,
    phase: r.phase,
    suspendedFrom: r.suspendedFrom,
    plan: { ...r.plan },
    package: { ...r.package },
    tests: r.tests as unknown as Record<string, unknown>[],
    signoffs: r.signoffs as unknown as Record<string, unknown>[],
    readiness: r.readiness as unknown as Record<string, Record<string, unknown>>,
    goDecisions: r.goDecisions as unknown as Record<string, unknown>[],
    backoutProvenBy: r.backoutProvenBy,
    pilotApprovedBy: r.pilotApprovedBy,
    review: r.review as unknown as Record<string, unknown> | null,
    reason: r.reason,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function wavesOf(db: Db, releaseId: number): Wave[] {
  return db.select().from(releaseWaves).where(eq(releaseWaves.releaseId, releaseId)).orderBy(asc(releaseWaves.number)).all().map(toWave);
}

export function insertRelease(db: Db, data: ReleaseInsert): Release {
  noteScheduleWrite();
  const number = nextSequence(db, 'release');
  const row = db
    .insert(releases)
    .values({ ...toRow(data), number, key: `REL-${number}` })
    .returning()
    .get();
  return toRelease(row, []);
}

/** Saves the release and its waves (the waves as given replace the stored ones, by number). */
export function updateRelease(db: Db, r: Release): Release {
  noteScheduleWrite();
  const { id, key: _key, waves, ...data } = r;
  const row = db.update(releases).set(toRow(data)).where(eq(releases.id, id)).returning().get();
  const stored = new Set(wavesOf(db, id).map((w) => w.number));
  for (const w of waves) {
    const values = {
      releaseId: id,
      number: w.number,
      pilot: w.pilot,
      windowStart: w.window.start,
      windowEnd: w.window.end,
      services: w.services,
      audience: w.audience,
      outageMinutes: w.outageMinutes,
      state: w.state,
      startedBy: w.startedBy,
      startedAt: w.startedAt,
      override: w.override,
      outcomeBy: w.outcomeBy,
      outcomeNote: w.outcomeNote,
      finishedAt: w.finishedAt,
    };
    if (stored.has(w.number)) {
      db.update(releaseWaves)
        .set(values)
        .where(and(eq(releaseWaves.releaseId, id), eq(releaseWaves.number, w.number)))
        .run();
    } else {
      db.insert(releaseWaves).values(values).run();
    }
  }
  return toRelease(row, wavesOf(db, id));
}

export function findRelease(db: Db, key: string): Release | null {
  const row = db.select().from(releases).where(eq(releases.key, key.toUpperCase())).get();
  return row ? toRelease(row, wavesOf(db, row.id)) : null;
}

export function listReleases(db: Db, filter: { phases?: readonly ReleasePhase[]; limit?: number } = {}): Release[] {
  const q = db.select().from(releases);
  const rows = (filter.phases ? q.where(inArray(releases.phase, [...filter.phases])) : q)
    .orderBy(desc(releases.number))
    .limit(filter.limit ?? 500)
    .all();
  return rows.map((r) => toRelease(r, wavesOf(db, r.id)));
}

/** The RFCs of a release, by number. */
export function rfcsOfRelease(db: Db, key: string): Rfc[] {
  return db.select().from(rfcs).where(eq(rfcs.releaseKey, key)).orderBy(asc(rfcs.number)).all().map(toRfc);
}

/** Waves in `states` whose window overlaps `range` (half-open), with their release, earliest first. */
export function wavesInWindow(db: Db, states: readonly WaveState[], range: Window): { release: Pick<Release, 'key' | 'name' | 'manager'>; wave: Wave }[] {
  return db
    .select({ wave: releaseWaves, key: releases.key, name: releases.name, manager: releases.manager })
    .from(releaseWaves)
    .innerJoin(releases, eq(releases.id, releaseWaves.releaseId))
    .where(and(inArray(releaseWaves.state, [...states]), lt(releaseWaves.windowStart, range.end), gt(releaseWaves.windowEnd, range.start)))
    .orderBy(asc(releaseWaves.windowStart))
    .all()
    .map((r) => ({ release: { key: r.key, name: r.name, manager: r.manager }, wave: toWave(r.wave) }));
}

/** Wave states that hold a window (the calendar shows them; conflicts are checked against them). */
export const HOLDING_WAVE_STATES: readonly WaveState[] = ['planned', 'deploying'];
/** A closed or cancelled release's waves hold nothing, whatever their state. */
// A release in review has finished deploying: waves it never started hold no window.
const ENDED_PHASES: readonly ReleasePhase[] = ['review', 'closed', 'cancelled'];

/** Waves holding a window that overlaps `range` (half-open), earliest first, with what scheduling and the calendar need. */
// Every conflict check runs this: built once per connection (see prepared.ts). A placeholder is
// bound as given, so the window's ends go in as the column stores them (milliseconds).
const slotsIn = preparedPer((db) =>
  db
    .select({ wave: releaseWaves, key: releases.key, name: releases.name })
    .from(releaseWaves)
    .innerJoin(releases, eq(releases.id, releaseWaves.releaseId))
    .where(
      and(
        inArray(releaseWaves.state, [...HOLDING_WAVE_STATES]),
        notInArray(releases.phase, [...ENDED_PHASES]),
        lt(releaseWaves.windowStart, sql.placeholder('end')),
        gt(releaseWaves.windowEnd, sql.placeholder('start')),
      ),
    )
    .orderBy(asc(releaseWaves.windowStart), asc(releases.number), asc(releaseWaves.number))
    .prepare(),
);

export function waveSlotsInWindow(db: Db, range: Window): (WaveSlot & { state: WaveState })[] {
  return slotsIn(db)
    .all({ start: range.start.getTime(), end: range.end.getTime() })
    .map((r) => ({
      releaseKey: r.key,
      releaseName: r.name,
      number: r.wave.number,
      pilot: r.wave.pilot,
      window: { start: r.wave.windowStart, end: r.wave.windowEnd },
      services: r.wave.services,
      state: r.wave.state as WaveState,
    }));
}

/** Every release whose waves may have timers (the reconciler reads these). */
export function timedReleases(db: Db): Release[] {
  return listReleases(db, { phases: TIMED_PHASES, limit: 100_000 });
}
