/**
 * Components register what they offer; nothing is sent until every one has started. So the
 * order they are listed in does not matter: the jobs component may start before the chat
 * adapter whose notifier it will send through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raise, submit } from '../../src/app/rfcs.js';
import { startBot } from '../../src/bot.js';
import type { Component } from '../../src/component.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { Notifier } from '../../src/notify/types.js';
import { eventually } from '../support/redis.js';
import { type JobsBot, seedCatalogue, startJobsBot } from '../support/redis-bot.js';
import { FakeSlack } from '../support/slack-server.js';

const notifier = (platform: 'slack' | 'teams'): Notifier => ({
  platform,
  resolve: async () => [],
  send: async () => ({}),
  refreshCards: async () => {},
});

describe('start-up order', () => {
  it('shows every registered notifier to every component before any of them starts work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'changebot-order-'));
    try {
      const seen: string[][] = [];
      const watcher: Component = {
        name: 'watcher',
        enabled: () => true,
        start: async (deps) => ({ stop: async () => {}, ready: () => void seen.push(deps.notifiers.map((n) => n.platform)) }),
      };
      const chat = (platform: 'slack' | 'teams'): Component => ({
        name: platform,
        enabled: () => true,
        start: async (deps) => {
          deps.registerNotifier(notifier(platform));
          return { stop: async () => {} };
        },
      });
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'bot.db'), LOG_LEVEL: 'silent' });
      for (const components of [
        [watcher, chat('slack'), chat('teams')],
        [chat('teams'), watcher, chat('slack')],
      ]) {
        const bot = await startBot(config, { log: createLogger('silent'), components });
        await bot.stop();
      }
      expect(seen).toEqual([
        ['slack', 'teams'],
        ['teams', 'slack'],
      ]);
      const twice: Component = {
        name: 'twice',
        enabled: () => true,
        start: async (deps) => {
          deps.registerNotifier(notifier('slack'));
          return { stop: async () => {} };
        },
      };
      await expect(startBot(config, { log: createLogger('silent'), components: [twice, twice] })).rejects.toThrow('a slack notifier is registered already');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the jobs component listed before the chat adapter', () => {
  let fake: FakeSlack;
  let b: JobsBot;
  beforeAll(async () => {
    fake = await FakeSlack.start({ teamId: 'T1' });
    b = await startJobsBot(fake, { name: 'order', jobsFirst: true });
  });
  afterAll(async () => {
    await b?.stop();
    await fake?.close();
  });

  it('still delivers through the adapter that started after it', async () => {
    const root = b.person('cli:root', { roles: ['admin'] });
    seedCatalogue(b, root);
    const req = b.person('slack:T1/UREQ');
    const start = new Date(b.clock.now().getTime() + 96 * 3_600_000);
    const key = raise(b.bot.app, req, {
      title: 'Patch',
      category: 'significant',
      services: ['db'],
      backout: 'restore',
      test: 'smoke',
      start,
      durationMinutes: 60,
    }).result.key;
    submit(b.bot.app, req, key);
    const card = await eventually(() => fake.okCallsTo('chat.postMessage').find((c) => c.args.channel === 'CCAB'), 'the voting card in the CAB channel');
    expect(String(card.args.text)).toMatch(/^CAB vote on RFC-1 “Patch”/);
  });
});
