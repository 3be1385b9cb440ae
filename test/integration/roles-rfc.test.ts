/**
 * Role x command x state, for RFCs (issue 12 item 11): every role types every state-changing
 * RFC command, through the real parser and execute() on a real SQLite, against an RFC brought
 * into each lifecycle state by the real use cases. The expected answers below are written by
 * hand from domain.md ("People and roles", the lifecycle) and the permission table
 * (src/domain/permissions.ts), not computed from it; one assertion compares the whole matrix
 * and prints every cell that differs.
 *
 * A cell is the RFC's state after the command when it was allowed (so "allowed" also says where
 * it led), or the refusal's code: F forbidden, X invalid_transition, S self_approval.
 *
 * The fixtures' RFC is a significant change (the CAB path) raised by `requester` with `owner` as
 * its change owner (two people), implemented by the owner. `submitted` is not a row: submit passes
 * through it inside one transaction (evaluation), so no RFC can be left there.
 *
 * Not covered: a pipeline token. There is no such actor yet (the gate of domain.md "Outside chat"
 * is not built); when there is one, it becomes a column here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type CommandRows, describeDifferences, walk } from '../support/roles-matrix.js';
import { F, FIXTURE_STATES, type FixtureState, RFC_ROLES, S, X, rfcWorld } from '../support/roles-rfc.js';

type Row = readonly [none: string, requester: string, owner: string, cab: string, changeManager: string, releaseManager: string, admin: string];
type Rows = CommandRows<FixtureState> & { in: readonly (readonly [readonly FixtureState[], Row])[]; elsewhere: Row };

const BEFORE_IMPLEMENTING: readonly FixtureState[] = ['draft', 'awaiting_approval', 'approved', 'scheduled'];
const AI = 'awaiting_approval';

// biome-ignore format: a matrix, aligned by hand (rows: commands; columns: roles)
const EXPECTED: Record<string, Rows> = {
  //                                                         none requester    owner           cab         changeManager   releaseManager admin
  'edit title': { line: 'edit RFC-n title="Patch db02"',
    in: [[['draft'],                                        [F,   'draft',     'draft',        F,          'draft',        F,             F]]],
    elsewhere:                                              [F,   X,           X,              F,          X,              F,             F] },
  'edit emergency': { line: 'edit RFC-n emergency=yes',
    in: [[['draft'],                                        [F,   'draft',     'draft',        F,          'draft',        F,             F]]],
    elsewhere:                                              [F,   X,           X,              F,          X,              F,             F] },
  // Standard is pre-approved, so marking it is an approval: a change manager's. (An admin may
  // mark standard, but holds no right to edit an RFC.)
  'edit standard': { line: 'edit RFC-n category=standard',
    in: [[['draft'],                                        [F,   F,           F,              F,          'draft',        F,             F]]],
    elsewhere:                                              [F,   X,           X,              F,          X,              F,             F] },
  submit: { line: 'submit RFC-n',
    in: [[['draft'],                                        [F,   AI,          AI,             F,          F,              F,             F]]],
    elsewhere:                                              [F,   X,           X,              F,          F,              F,             F] },
  withdraw: { line: 'withdraw RFC-n',
    in: [[['draft', AI],                                    [F,   'withdrawn', 'withdrawn',    F,          F,              F,             F]]],
    elsewhere:                                              [F,   X,           X,              F,          F,              F,             F] },
  cancel: { line: 'cancel RFC-n',
    in: [[BEFORE_IMPLEMENTING,                              [F,   'cancelled', 'cancelled',    F,          'cancelled',    F,             F]]],
    elsewhere:                                              [F,   X,           X,              F,          X,              F,             F] },
  // A vote checks the state first: outside a vote, everyone hears it is not open for votes.
  // With quorum 1 a CAB vote decides; the change manager's approve waits for the CAB, their
  // reject is a veto.
  approve: { line: 'approve RFC-n',
    in: [[[AI],                                             [F,   S,           S,              'approved', AI,             F,             F]]],
    elsewhere:                                              [X,   X,           X,              X,          X,              X,             X] },
  reject: { line: 'reject RFC-n',
    in: [[[AI],                                             [F,   S,           S,              'rejected', 'rejected',     F,             F]]],
    elsewhere:                                              [X,   X,           X,              X,          X,              X,             X] },
  schedule: { line: 'schedule RFC-n',
    in: [[['approved'],                                     [F,   F,           'scheduled',    F,          'scheduled',    F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  reschedule: { line: 'reschedule RFC-n duration=1h',
    in: [[['scheduled'],                                    [F,   F,           'scheduled',    F,          'scheduled',    F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  // Acknowledging conflicts (ack=yes) is a change manager's, even with none to acknowledge.
  'schedule ack': { line: 'schedule RFC-n ack=yes',
    in: [[['approved'],                                     [F,   F,           F,              F,          'scheduled',    F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  // A window outside the approved one sends the change back for approval; a change manager may
  // accept it instead (override), not on their own change, and never its owner.
  'reschedule outside': { line: 'reschedule RFC-n start="2026-12-03 10:00" duration=1h',
    in: [[['scheduled'],                                    [F,   F,           AI,             F,          AI,             F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  'reschedule override': { line: 'reschedule RFC-n start="2026-12-03 10:00" duration=1h override="vendor slipped"',
    in: [[['scheduled'],                                    [F,   F,           F,              F,          'scheduled',    F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  start: { line: 'start RFC-n',
    in: [[['scheduled'],                                    [F,   F,           'implementing', F,          'implementing', F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  // Starting outside the window is a change manager's override, never on their own change: the
  // owner may start, but not override (refused before the state is looked at).
  'start override': { line: 'start RFC-n override="hotfix"',
    in: [[['scheduled'],                                    [F,   F,           F,              F,          'implementing', F,             F]]],
    elsewhere:                                              [F,   F,           F,              F,          X,              F,             F] },
  done: { line: 'done RFC-n',
    in: [[['implementing'],                                 [F,   F,           'implemented',  F,          'implemented',  F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  fail: { line: 'fail RFC-n',
    in: [[['implementing'],                                 [F,   F,           'failed',       F,          'failed',       F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  backout: { line: 'backout RFC-n',
    in: [[['implementing', 'implemented', 'failed'],        [F,   F,           'backed_out',   F,          'backed_out',   F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  // In review, running it again amends the review.
  review: { line: 'review RFC-n notes="went fine"',
    in: [[['implemented', 'failed', 'backed_out', 'in_review'], [F, F,         'in_review',    F,          'in_review',    F,             F]]],
    elsewhere:                                              [F,   F,           X,              F,          X,              F,             F] },
  // Separation of duties: a change manager who neither owns nor implemented it closes the review.
  close: { line: 'close RFC-n',
    in: [[['in_review'],                                    [F,   F,           F,              F,          'closed',       F,             F]]],
    elsewhere:                                              [F,   F,           F,              F,          X,              F,             F] },
  // A new draft from a finished RFC: anyone may raise one; the original stays as it was.
  clone: { line: 'clone RFC-n',
    in: (['rejected', 'closed', 'withdrawn', 'cancelled'] as const).map((s) => [[s], [s, s, s, s, s, s, s]] as const),
    elsewhere:                                              [X,   X,           X,              X,          X,              X,             X] },
};

/** A minor change goes to one change manager: the CAB does not vote on it. */
// biome-ignore format: a matrix, aligned by hand
const MINOR_VOTES: Record<string, Rows> = {
  //                                       none requester owner cab changeManager releaseManager admin
  approve: { line: 'approve RFC-n', in: [[[AI], [F,   S,        S,    F,  'approved',   F,             F]]], elsewhere: [X, X, X, X, X, X, X] },
  reject:  { line: 'reject RFC-n',  in: [[[AI], [F,   S,        S,    F,  'rejected',   F,             F]]], elsewhere: [X, X, X, X, X, X, X] },
};

const worlds: { close(): void }[] = [];
afterAll(() => {
  for (const w of worlds) w.close();
});

function walkIn(category: 'significant' | 'minor', states: readonly FixtureState[], expected: Record<string, Rows>) {
  const world = rfcWorld(category);
  worlds.push(world);
  return walk(world, states, RFC_ROLES, expected);
}

describe('RFC commands by role and state', () => {
  it('answer as the permission table says, in every state', () => {
    const { cells, differing } = walkIn('significant', FIXTURE_STATES, EXPECTED);
    expect(cells.length).toBe(FIXTURE_STATES.length * Object.keys(EXPECTED).length * RFC_ROLES.length);
    expect(differing, describeDifferences(differing)).toEqual([]);
  }, 60_000); // about 1,600 commands: seconds on an idle machine, far more on a loaded one

  it('send a minor change to the change manager alone', () => {
    const { cells, differing } = walkIn('minor', [AI], MINOR_VOTES);
    expect(cells.length).toBe(2 * RFC_ROLES.length);
    expect(differing, describeDifferences(differing)).toEqual([]);
  });
});
