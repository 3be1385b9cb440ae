/**
 * Role x command for the commands tied to no RFC's or release's state (issue 12 item 11): raising
 * RFCs (plain, emergency, standard), opening a release, and the admin verbs, each typed by every
 * role through the real parser and execute(). Expected answers written by hand from domain.md
 * ("People and roles": admins grant roles, edit services, windows and policy; a standard change
 * is pre-approved, so marking one is a change manager's act) and the deployment table of
 * src/domain/permissions.ts. A cell is `done` or the refusal's code (F: forbidden).
 *
 * Not covered: a pipeline token, which does not exist yet.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ChangebotError } from '../../src/domain/errors.js';
import { cliCommand } from '../support/commands.js';
import { type CommandRows, describeDifferences, walk } from '../support/roles-matrix.js';
import { F, RFC_ROLES, type RfcRoleName, rfcWorld } from '../support/roles-rfc.js';

type Row = readonly [none: string, requester: string, owner: string, cab: string, changeManager: string, releaseManager: string, admin: string];
type Rows = CommandRows<'any'> & { in: readonly (readonly [readonly 'any'[], Row])[]; elsewhere: Row };
const D = 'done';
const row = (r: Row): Rows => ({ line: '', in: [[['any'], r]], elsewhere: r });

// biome-ignore format: a matrix, aligned by hand (rows: commands; columns: roles; ROLE in a line is the role's name)
const EXPECTED: Record<string, Rows> = {
  //                                                                                       none requester owner cab changeManager releaseManager admin
  'new':                 { ...row([D, D, D, D, D, D, D]), line: 'new "Patch ROLE"' },
  'new emergency':       { ...row([D, D, D, D, D, D, D]), line: 'new "Hotfix ROLE" emergency=yes' },
  'new standard':        { ...row([F, F, F, F, D, F, D]), line: 'new "Add a user ROLE" category=standard' },
  'release new':         { ...row([F, F, F, F, D, D, F]), line: 'release new "Winter ROLE"' },
  'admin grant':         { ...row([F, F, F, F, F, F, D]), line: 'admin grant nobody cab' },
  'admin service add':   { ...row([F, F, F, F, F, F, D]), line: 'admin service add svc-ROLE' },
  'admin window add':    { ...row([F, F, F, F, F, F, D]), line: 'admin window add rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22" duration=4h' },
  'admin blackout add':  { ...row([F, F, F, F, F, F, D]), line: 'admin blackout add start=2027-02-01 end=2027-02-03 reason="freeze ROLE"' },
  'admin policy set':    { ...row([F, F, F, F, F, F, D]), line: 'admin policy set CAB_MIN_APPROVALS 2' },
  'admin cab-channel':   { ...row([F, F, F, F, D, F, D]), line: 'admin cab-channel slack:C0CAB' },
  'admin revoke':        { ...row([F, F, F, F, F, F, D]), line: 'admin revoke cab1 cab' },
};

const rfcs = rfcWorld();
afterAll(() => rfcs.close());

describe('deployment-wide commands by role', () => {
  it('answer as the deployment table says', () => {
    const world = {
      fresh: () => 'deployment',
      run(role: RfcRoleName, line: string) {
        try {
          cliCommand(rfcs.t, rfcs.as[role], line.replaceAll('ROLE', role));
          return { answer: D, allowed: true };
        } catch (e) {
          if (e instanceof ChangebotError) return { answer: e.code, allowed: false };
          throw e;
        }
      },
    };
    const { cells, differing } = walk(world, ['any'], RFC_ROLES, EXPECTED);
    expect(cells.length).toBe(Object.keys(EXPECTED).length * RFC_ROLES.length);
    expect(differing, describeDifferences(differing)).toEqual([]);
  });
});
