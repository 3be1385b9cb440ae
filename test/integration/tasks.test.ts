/**
 * Issue 14 items 2 and 3: teams and change tasks. Through Slack (real bot, real Bolt, fake Slack
 * Web API): an admin makes a network team, the owner gives it a task, its members are DMed, a
 * non-member is refused, a member marks it done with a note, the card shows who did what, the
 * owner hears that every task is finished; a team bound to a Slack user group is told through
 * usergroups.users.list. On real Redis with a test clock: the reminder fires 2 h before due.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addService } from '../../src/app/catalogue.js';
import { schedule } from '../../src/app/implementation.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { addTask, openTasks } from '../../src/app/tasks.js';
import { addTeam } from '../../src/app/teams.js';
import { listLog } from '../../src/db/repos/log.js';
import { rfcSubject } from '../../src/domain/subject.js';
import { execute } from '../../src/commands/execute.js';
import { parseCommand } from '../../src/commands/parser.js';
import { teamRecipients } from '../../src/notify/resolve.js';
import { testApp } from '../support/app.js';
import { type JobsBot, startJobsBot } from '../support/redis-bot.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { FakeSlack, type RecordedCall } from '../support/slack-server.js';
import { slackProblems } from '../support/slack-schema.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const OWNER = { team: T, user: 'UOWN', name: 'olga' };
const NET1 = { team: T, user: 'UNET1', name: 'nina' };
const NET2 = { team: T, user: 'UNET2', name: 'ned' };
const EVE = { team: T, user: 'UEVE', name: 'eve' };

/** Posts to a person's DM (to their user id, or the DM channel conversations.open gave). */
function dmsTo(fake: FakeSlack, user: string, text: RegExp): RecordedCall[] {
  return fake.okCallsTo('chat.postMessage').filter((c) => (c.args.channel === user || c.args.channel === fake.dmOf(user)) && text.test(String(c.args.text)));
}

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('teams and change tasks through Slack', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await slackHarness({ fake: { teamId: T, usergroups: { S9: ['UDBA1', 'UDBA2'] } }, env: { CHANGEBOT_ADMINS: `slack:${T}/UADMIN` } });
  });
  afterAll(() => h.stop());
  afterEach(() => expect(slackProblems(h.fake)).toEqual([]));

  it('an admin makes a team, the owner gives it a task, its members are told, a member marks it done, the owner hears', async () => {
    expect(await h.answer(OWNER, 'admin team add network members=<@UNET1>')).toBe('Only an admin or a change manager can add, remove or change teams.');
    expect(await h.answer(ADMIN, 'admin team add network members=<@UNET1|nina>,<@UNET2|ned>')).toBe(
      'Added team network: members slack:T1/UNET1, slack:T1/UNET2.',
    );
    expect(await h.answer(ADMIN, 'admin team add network members=<@UEVE>')).toContain('Team network already exists.');
    expect(await h.answer(ADMIN, 'admin team list')).toBe('network: members slack:T1/UNET1, slack:T1/UNET2');
    // A deployment-wide change-log row.
    expect(await h.answer(ADMIN, 'admin log')).toMatch(/slack:T1\/UADMIN {2}team-add network \(members slack:T1\/UNET1, slack:T1\/UNET2\)/);

    const start = new Date(h.clock.now().getTime() + 3 * 86_400_000);
    start.setUTCMinutes(0, 0, 0);
    const raised = await h.answer(OWNER, `new "Edge firewall change" start=${start.toISOString()} duration=2h`);
    expect(raised).toContain('Raised RFC-1');
    // Someone with no part in the RFC may not add tasks to it.
    expect(await h.answer(EVE, 'task add RFC-1 team=network "Open 443"')).toBe(
      'Only its requester, its change owner or a change manager can add tasks to RFC-1.',
    );
    expect(await h.answer(OWNER, 'task add RFC-1 team=nobody "Open 443"')).toContain('There is no team "nobody". Teams: network.');
    const after = new Date(start.getTime() + 3 * 3_600_000).toISOString();
    expect(await h.answer(OWNER, `task add RFC-1 team=network "Open 443" due=${after}`)).toContain('must be done by the end of its window');

    const added = await h.answer(OWNER, 'task add RFC-1 team=network "Open 443 on the edge firewall"');
    expect(added).toContain('Added task 1 to RFC-1 for team network: #1 Open 443 on the edge firewall — team network, due ');
    // Both members are DMed, with the task and how to mark it.
    for (const u of ['UNET1', 'UNET2']) {
      const dm = await h.fake.waitFor(
        'chat.postMessage',
        (c) => (c.args.channel === u || c.args.channel === h.fake.dmOf(u)) && /New task/.test(String(c.args.text)),
      );
      expect(String(dm.args.text)).toContain('New task for you on RFC-1 “Edge firewall change”');
      expect(String(dm.args.text)).toContain('#1 Open 443 on the edge firewall — team network');
      expect(String(dm.args.text)).toContain('`/rfc task done RFC-1 1 note="..."`');
    }
    expect(dmsTo(h.fake, 'UEVE', /New task/)).toEqual([]);
    expect((await h.answer(OWNER, 'tasks RFC-1')).split('\n')[1]).toMatch(/^#1 Open 443 on the edge firewall — team network, due .* — open$/);
    expect(openTasks(h.bot.database.db, 'RFC-1').map((t) => t.number)).toEqual([1]);

    // Not a member: refused, and the task stays open.
    expect(await h.answer(EVE, 'task done RFC-1 1')).toBe(
      "Only the task's team or assignee, the change owner of RFC-1 or a change manager can mark this task.",
    );
    expect(await h.answer(NET2, 'task done RFC-1 7')).toBe('RFC-1 has no task 7; its tasks are 1 to 1 (/rfc task list RFC-1).');

    const done = await h.answer(NET2, 'task done RFC-1 1 note="opened on both edges"');
    expect(done.split('\n')[0]).toBe('Marked task 1 of RFC-1 done. Every task is finished.');
    expect(await h.answer(NET1, 'task done RFC-1 1')).toBe('Task 1 of RFC-1 is already done.');
    expect(openTasks(h.bot.database.db, 'RFC-1')).toEqual([]);

    // The owner hears that every task is finished.
    const told = await h.fake.waitFor(
      'chat.postMessage',
      (c) => (c.args.channel === 'UOWN' || c.args.channel === h.fake.dmOf('UOWN')) && /Every task/.test(String(c.args.text)),
    );
    expect(String(told.args.text)).toContain('Every task of your change RFC-1 “Edge firewall change” is finished (1 task).');

    // The card shows the task and who did it.
    const shown = await h.answer(OWNER, 'show RFC-1');
    expect(shown).toContain('Tasks: 1 of 1 finished');
    expect(shown).toMatch(/Task 1: Open 443 on the edge firewall · team network · due .* · Done: opened on both edges/);
    expect(shown).toMatch(/Task 1 done by: .*UNET2/);

    // Every task change is in the RFC's change log.
    const rows = listLog(h.bot.database.db, rfcSubject('RFC-1')).filter((e) => e.action.startsWith('task-'));
    expect(rows.map((e) => [e.action, e.actor, e.detail])).toEqual([
      ['task-add', 'slack:T1/UOWN', expect.objectContaining({ task: 1, title: 'Open 443 on the edge firewall', team: 'network', assignee: null })],
      ['task-done', 'slack:T1/UNET2', { task: 1, title: 'Open 443 on the edge firewall', note: 'opened on both edges' }],
    ]);
  });

  it('a team bound to a Slack user group is told through usergroups.users.list; a task can be skipped with a reason', async () => {
    expect(await h.answer(ADMIN, 'admin team add dba usergroup=<!subteam^S9|@dba>')).toBe('Added team dba: Slack user group S9.');
    expect(await h.answer(ADMIN, 'admin team add web usergroup=webteam')).toContain("Can't read the user group");
    expect(await h.answer(OWNER, 'task add RFC-1 team=dba "Verify the backup on the standby"')).toContain('Added task 2 to RFC-1 for team dba');
    await h.fake.waitFor('usergroups.users.list', (c) => c.args.usergroup === 'S9');
    for (const u of ['UDBA1', 'UDBA2']) {
      await h.fake.waitFor(
        'chat.postMessage',
        (c) => (c.args.channel === u || c.args.channel === h.fake.dmOf(u)) && /#2 Verify the backup/.test(String(c.args.text)),
      );
    }
    expect(await h.answer(OWNER, 'task skip RFC-1 2')).toContain('Say why the task does not apply.');
    expect((await h.answer(OWNER, 'task skip RFC-1 2 reason="backup verified last week"')).split('\n')[0]).toBe(
      'Marked task 2 of RFC-1 not applicable. Every task is finished.',
    );
    expect((await h.answer(OWNER, 'task list RFC-1')).split('\n')[2]).toMatch(
      /^#2 Verify the backup on the standby — team dba, due .* — not applicable by slack:T1\/UOWN .*: backup verified last week$/,
    );
    // Members change, logged.
    expect(await h.answer(ADMIN, 'admin team members network add=<@UEVE> remove=<@UNET1>')).toBe(
      'Team network: added slack:T1/UEVE, removed slack:T1/UNET1. Now network: members slack:T1/UEVE, slack:T1/UNET2.',
    );
    expect(await h.answer(ADMIN, 'admin team remove dba')).toBe('Removed team dba. Tasks already given to it keep its name.');
    expect(await h.answer(ADMIN, 'admin team list')).toBe('network: members slack:T1/UEVE, slack:T1/UNET2');
  });
});

describe('a task reminder on real Redis', () => {
  let fake: FakeSlack;
  let b: JobsBot;
  beforeAll(async () => {
    fake = await FakeSlack.start({ teamId: 'T1' });
    b = await startJobsBot(fake, { name: 'tasks' });
  });
  afterAll(async () => {
    await b.stop();
    await fake.close();
  });

  it('reminds the team 2 h before the task is due, once', async () => {
    const root = b.person('cli:root', { roles: ['admin'] });
    const owner = b.person('slack:T1/UOWN', { roles: ['admin'] });
    addTeam(b.bot.app, root, { name: 'network', members: ['slack:T1/UNET1'] });
    const start = new Date('2026-12-05T22:00:00Z');
    addService(b.bot.app, root, { name: 'edge' });
    const key = raise(b.bot.app, owner, {
      title: 'Edge firewall',
      category: 'standard',
      services: ['edge'],
      backout: 'revert the rule',
      start,
      durationMinutes: 120,
    }).result.key;
    submit(b.bot.app, owner, key);
    schedule(b.bot.app, owner, key, {});
    addTask(b.bot.app, owner, { key, team: 'network', title: 'Open 443 on the edge firewall' });
    await b.jobs.scheduler.idle();
    const id = `${key}.task-due.20261205T220000Z-t1`;
    const pending = await b.jobs.queues.timers.getJob(id);
    expect(pending).toBeDefined();
    expect((pending!.data as { dueAt: string }).dueAt).toBe('2026-12-05T20:00:00.000Z');

    b.clock.current = new Date('2026-12-05T19:59:00Z');
    await b.tick();
    await new Promise((r) => setTimeout(r, 200));
    expect(dmsTo(fake, 'UNET1', /Reminder: a task/)).toEqual([]);

    b.clock.current = new Date('2026-12-05T20:00:00Z');
    await b.tick();
    await eventually(() => dmsTo(fake, 'UNET1', /Reminder: a task/).length > 0);
    const [reminder, ...again] = dmsTo(fake, 'UNET1', /Reminder: a task/);
    expect(again).toEqual([]);
    expect(String(reminder!.args.text)).toContain(`Reminder: a task of ${key} “Edge firewall”`);
    expect(String(reminder!.args.text)).toContain('is due in about 2 hours: #1 Open 443 on the edge firewall — team network, due ');
    // Fired once: ticking again sends nothing more.
    await b.tick();
    await new Promise((r) => setTimeout(r, 200));
    expect(dmsTo(fake, 'UNET1', /Reminder: a task/)).toHaveLength(1);
  });
});

describe('a team bound to a Teams channel', () => {
  it('is told in that channel (the Teams conversation), next to its listed members; a change manager may make it, `channel=here` elsewhere is refused', () => {
    const t = testApp();
    const cm = t.person('cm', 'change-manager');
    const made = addTeam(t.ctx, cm, { name: 'security', members: ['teams:aad-1'], channel: 'teams:conversation:19:sec@thread.tacv2' });
    expect(made.message).toBe('Added team security: members teams:aad-1; its Teams channel.');
    expect(teamRecipients(t.ctx.database.db, 'security')).toEqual([
      { kind: 'person', id: 'teams:aad-1' },
      { kind: 'audience-refs', refs: ['teams:conversation:19:sec@thread.tacv2'] },
    ]);
    expect(teamRecipients(t.ctx.database.db, 'gone')).toEqual([]);
    const cmd = parseCommand('admin team add ops channel=here', { platform: 'slack', workspace: 'T1', timezone: 'UTC', now: new Date() });
    expect(() => execute(t.ctx, cm, cmd, { platform: 'slack', channel: 'slack:channel:C1' })).toThrow(
      'channel=here binds the team to the Teams channel it is typed in',
    );
    const here = execute(t.ctx, cm, cmd, { platform: 'teams', channel: 'teams:conversation:19:ops@thread.tacv2', shared: true });
    expect(here.text).toBe('Added team ops: its Teams channel.');
    expect(teamRecipients(t.ctx.database.db, 'ops')).toEqual([{ kind: 'audience-refs', refs: ['teams:conversation:19:ops@thread.tacv2'] }]);
    t.close();
  });
});
