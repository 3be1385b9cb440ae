import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND, RELEASE_COMMAND } from '../../src/chat/slack/commands.js';

/**
 * Scopes each Web API method needs (null: none). A call the table does not know fails the test,
 * so a new call forces a decision about the manifest.
 */
/** Reading back a channel's, a private channel's or a DM's messages (findSent after a crash). */
const HISTORY = ['channels:history', 'groups:history', 'im:history'];
const METHOD_SCOPES: Record<string, string | string[] | null> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'conversations.history': HISTORY,
  'conversations.replies': HISTORY,
  'conversations.open': 'im:write',
  'users.info': 'users:read',
  'usergroups.users.list': 'usergroups:read',
  'views.open': null,
  'views.push': null,
  'views.update': null,
  'views.publish': null,
};
/** Events each `app.event(...)` needs: no scope for these. */
const EVENT_SCOPES: Record<string, string | null> = { app_home_opened: null };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const code = sources('src/chat/slack')
  .map((p) => readFileSync(p, 'utf8'))
  .join('\n');
const methods = new Set([...code.matchAll(/\.(auth|chat|users|usergroups|views|conversations)\.(\w+(?:\.\w+)?)\(/g)].map((m) => `${m[1]}.${m[2]}`));
const events = new Set([...code.matchAll(/app\.event\('(\w+)'/g)].map((m) => m[1] as string));

type Manifest = {
  features: { slash_commands: { command: string; should_escape?: boolean; url?: string }[]; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url?: string };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
};

describe.each(['manifest.yaml', 'manifest.socket-mode.yaml'])('Slack app %s', (file) => {
  const manifest = parse(readFileSync(join('manifests/slack', file), 'utf8')) as Manifest;

  it('finds the Web API calls and events in the code', () => {
    expect(methods.size).toBeGreaterThan(4);
    expect([...methods].filter((m) => !(m in METHOD_SCOPES))).toEqual([]);
    expect([...events].filter((e) => !(e in EVENT_SCOPES))).toEqual([]);
  });

  it('asks for exactly the scopes the code needs', () => {
    const needed = new Set(['commands']);
    for (const m of methods) for (const s of [METHOD_SCOPES[m] ?? []].flat()) needed.add(s);
    for (const e of events) if (EVENT_SCOPES[e]) needed.add(EVENT_SCOPES[e] as string);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('declares /rfc with escaping, interactivity, the Home tab and every event the code handles', () => {
    const cmd = manifest.features.slash_commands.find((c) => c.command === COMMAND);
    expect(cmd?.should_escape).toBe(true);
    const release = manifest.features.slash_commands.find((c) => c.command === RELEASE_COMMAND);
    expect(release?.should_escape).toBe(true);
    expect(release?.url).toBe(cmd?.url);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...events].sort());
    const socket = file.includes('socket');
    expect(manifest.settings.socket_mode_enabled).toBe(socket);
    const urls = [cmd?.url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url];
    for (const url of urls) {
      if (socket) expect(url).toBeUndefined();
      else expect(url).toMatch(/^https:\/\/.+\/slack\/events$/);
    }
  });
});
