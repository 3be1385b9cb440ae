/** Slack channel references: the CAB channel setting and the forms a channel is written in. */
import { cabChannel } from '../../app/admin.js';
import type { Db } from '../../db/client.js';

/**
 * The CAB channel as a Slack channel id or name: the `cab-channel:slack` setting (set with
 * `/rfc admin cab-channel`) wins over SLACK_CAB_CHANNEL.
 */
export function slackCabChannel(db: Db, configured: string | undefined): string | null {
  const raw = cabChannel(db, 'slack') ?? configured ?? null;
  return raw ? channelRef(raw) : null;
}

/** `slack:channel:C1` -> `C1`, `channel:cab` / `#cab` -> `#cab`, `<#C1|cab>` -> `C1`. */
export function channelRef(raw: string): string {
  const s = raw.trim();
  const m = /^slack:channel:(.+)$/.exec(s) ?? /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(s);
  if (m) return m[1] as string;
  const named = /^channel:(.+)$/.exec(s);
  if (named) return `#${named[1]}`;
  return s;
}
