/**
 * Issue 12 item 7: a notification whose recipients resolve to no one is a failed delivery with
 * the reason, reported to the change owner, or to the change managers when the owner is the
 * unreachable one; a report that reaches no one stops there (no report of a report). The real
 * bot with Slack against the fake Slack Web API; CLI people have no Slack identity, so they are
 * the unreachable ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadActor } from '../../src/app/context.js';
import { execute } from '../../src/commands/execute.js';
import { parseCommand } from '../../src/commands/parser.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { eventually } from '../support/redis.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'ada' };
const REQ = { team: T, user: 'UREQ', name: 'rita' };
const CM = { team: T, user: 'UCM', name: 'cam' };
const MINOR = 'category=minor services=db backout="Restore the snapshot" start=+2d duration=1h';

let h: SlackHarness;
afterEach(() => h?.stop());

async function start(): Promise<void> {
  h = await slackHarness({ fake: { teamId: T }, env: { CHANGEBOT_ADMINS: `slack:${T}/UADMIN` } });
  expect(await h.answer(ADMIN, 'admin service add db')).toContain('Added service db');
}

/** `text` typed by the CLI person `name` against the bot's database. */
function cli(name: string, text: string): string {
  const ctx = h.bot.app;
  const actor = loadActor(ctx, `cli:${name}`);
  return execute(ctx, actor, parseCommand(text, { platform: 'cli', workspace: '', timezone: actor.timezone, now: ctx.clock.now() }), { platform: 'cli' }).text;
}

interface Row {
  notification_key: string;
  recipient: string;
  status: string;
  last_error: string | null;
}
const rows = (): Row[] => h.bot.database.sqlite.prepare('select notification_key, recipient, status, last_error from deliveries order by id').all() as Row[];
const nobodyRows = () => rows().filter((r) => r.recipient === 'nobody');

describe('a notification to nobody', () => {
  it('is a failed delivery with the reason, and the change owner is told in Slack', async () => {
    await start();
    // Nobody holds change-manager: the approval request resolves to no one.
    expect(await h.answer(REQ, `new "Patch db" ${MINOR}`)).toContain('RFC-1');
    await h.answer(REQ, 'submit RFC-1');
    const dm = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'UREQ' && String(c.args.text).includes('reached no one'));
    expect(String(dm.args.text)).toContain('Some messages about');
    expect(String(dm.args.text)).toContain('every change manager resolved to no one on slack');
    const failed = nobodyRows();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'failed', last_error: 'every change manager resolved to no one on slack' });
    expect(failed[0]?.notification_key).toMatch(/^outbox:\d+$/);
    // The change log says so too, instead of `"to": []` alone.
    const log = h.bot.database.sqlite.prepare("select detail from change_log where action = 'notify'").all() as { detail: string }[];
    const toNobody = log.map((l) => JSON.parse(l.detail) as { event: string; to: string[]; failed?: string }).filter((d) => d.failed);
    expect(toNobody).toEqual([{ event: 'approval-requested', to: [], failed: 'every change manager resolved to no one on slack' }]);
    // Card updates have no recipients by design: none of them became a failure.
    const cardUpdates = (h.bot.database.sqlite.prepare("select count(*) as n from outbox where event = 'card-update'").get() as { n: number }).n;
    expect(cardUpdates).toBeGreaterThan(0);
    expect(nobodyRows()).toHaveLength(1);
  });

  it('goes to the change managers when the owner is the unreachable one', async () => {
    await start();
    expect(await h.answer(ADMIN, `admin grant <@${CM.user}|cam> change-manager`)).toContain('Granted change-manager');
    expect(cli('ann', `new "Patch db" ${MINOR}`)).toContain('RFC-1');
    cli('ann', 'submit RFC-1');
    await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'UCM' && String(c.args.text).includes('RFC-1'));
    // The decision goes to the requester and owner, cli:ann, who has no Slack identity, and to the
    // CAB channel, which is not set.
    await h.answer(CM, 'approve RFC-1');
    const dm = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'UCM' && String(c.args.text).includes('reached no one'));
    expect(String(dm.args.text)).toContain('they reached no one: cli:ann, the CAB channel resolved to no one on slack');
    expect(nobodyRows().map((r) => r.last_error)).toEqual(['cli:ann, the CAB channel resolved to no one on slack']);
  });

  it('that is reported to no one either is one more failed delivery, and nothing more', async () => {
    await start();
    // cli:ann owns it and nobody is a change manager: the request and its report reach no one.
    expect(cli('ann', `new "Patch db" ${MINOR}`)).toContain('RFC-1');
    cli('ann', 'submit RFC-1');
    const both = await eventually(() => (nobodyRows().length >= 2 ? nobodyRows() : undefined), 'the request and its report to fail');
    expect(both.map((r) => [r.notification_key.replace(/\d+/g, 'N'), r.status, r.last_error])).toEqual([
      ['outbox:N', 'failed', 'every change manager resolved to no one on slack'],
      ['timed:delivery-failed:RFC-N:outbox:N', 'failed', 'cli:ann, every change manager resolved to no one on slack'],
    ]);
    expect(h.logs.some((l) => l.includes('could not be reported to anyone'))).toBe(true);
    // Draining again (what every poll does) adds nothing: no report of a report.
    await h.bot.dispatcher.drain();
    await h.bot.dispatcher.drain();
    expect(rows()).toEqual(both);
  });
});
