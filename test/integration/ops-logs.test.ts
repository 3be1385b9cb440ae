/**
 * Issue 13 item 7: JSON logs with the request id on every line of a request. The real bot (its
 * Fastify server, the Slack adapter's edge) logging through pino into memory: the server's
 * `request` line and a failure's error line share one id, the one sent back as `X-Request-Id`;
 * a proxy's own `X-Request-Id` is kept (an unsafe one replaced); the Slack edge logs with the
 * same id as the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, type Component, startBot } from '../../src/bot.js';
import { slackComponent } from '../../src/chat/slack/index.js';
import { createTeamsComponent } from '../../src/chat/teams/component.js';
import { loadConfig } from '../../src/config.js';
import { slackTestEnv } from '../support/slack-harness.js';
import { FakeSlack } from '../support/slack-server.js';

type Line = { level: number; msg: string; requestId?: string; url?: string; status?: number; err?: { message?: string } };

let bot: Bot;
let fake: FakeSlack;
let dir: string;
let base: string;
const lines: Line[] = [];

/** A page that fails as a bug would (not a refusal): answered 500 and logged as an error. */
const failing: Component = {
  name: 'failing-page',
  enabled: () => true,
  async start(deps) {
    deps.addWebRoutes((scope) => {
      scope.get('/test/broken', async () => {
        throw new Error('the page broke');
      });
    });
    return { stop: async () => {} };
  },
};

beforeAll(async () => {
  fake = await FakeSlack.start();
  dir = mkdtempSync(join(tmpdir(), 'changebot-logs-'));
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  bot = await startBot(loadConfig(slackTestEnv(dir, fake.url)), {
    components: [slackComponent, createTeamsComponent({ unauthenticated: 'always' }), failing],
    log,
  });
  base = `http://127.0.0.1:${bot.port}`;
});
afterAll(async () => {
  await bot.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const ofRequest = (id: string) => lines.filter((l) => l.requestId === id);

describe('the request id on every line of a request', () => {
  it('keeps a proxy’s X-Request-Id: the request line and the error line carry it, and the answer sends it back', async () => {
    const res = await fetch(`${base}/test/broken`, { headers: { 'x-request-id': 'proxy-7f3a.42' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('proxy-7f3a.42');
    const mine = ofRequest('proxy-7f3a.42');
    const error = mine.find((l) => l.level === 50);
    expect(error?.msg).toBe('web request failed');
    expect(error?.err?.message).toBe('the page broke');
    const request = mine.find((l) => l.msg === 'request');
    expect(request).toMatchObject({ level: 30, url: '/test/broken', status: 500 });
    expect(mine.filter((l) => l.msg === 'request')).toHaveLength(1);
  });

  it('replaces an unsafe id with a fresh one, the same on both lines and in the answer', async () => {
    const res = await fetch(`${base}/test/broken`, { headers: { 'x-request-id': 'not ok; <script>' } });
    expect(res.status).toBe(500);
    const id = res.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const mine = ofRequest(id);
    expect(mine.map((l) => l.msg).sort()).toEqual(['request', 'web request failed']);
    expect(lines.some((l) => l.requestId === 'not ok; <script>')).toBe(false);
  });

  it('the Slack edge logs with the server’s request id (and answers it in its refusal)', async () => {
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'proxy-slack-9' },
      body: 'command=%2Frfc&text=list',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('proxy-slack-9');
    expect(((await res.json()) as { requestId: string }).requestId).toBe('proxy-slack-9');
    const mine = ofRequest('proxy-slack-9');
    expect(mine.find((l) => l.msg === 'slack: request refused at the edge')).toMatchObject({ status: 401 });
    // The adapters' routes log their request line at debug (they log what they did themselves).
    expect(mine.find((l) => l.msg === 'request')).toMatchObject({ level: 20, url: '/slack/events', status: 401 });
  });

  it('so does the Teams adapter', async () => {
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'proxy-teams-3' },
      body: '{"not": "an activity"',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toBe('proxy-teams-3');
    const mine = ofRequest('proxy-teams-3');
    expect(mine.find((l) => l.msg === 'teams: request refused')).toMatchObject({ status: 400 });
    expect(mine.find((l) => l.msg === 'request')).toMatchObject({ url: '/api/messages', status: 400 });
  });
});
