/**
 * Configuration is read and validated here, once. Every variable is listed and explained in
 * .env.example. A wrong value stops start-up with one line naming the variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as util from 'node:util';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { ChangebotError } from './domain/errors.js';
import { DEFAULT_POLICY, type Policy } from './domain/policy.js';
import { POLICY_KEYS } from './domain/policy-keys.js';

const PERSON_ID = /^(slack:[A-Z0-9]+\/[A-Z0-9]+|teams:[\w-]+|cli:[\w.-]+)$/i;

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
const int = (def: number, min: number, max: number, what: string) =>
  z
    .string()
    .optional()
    .transform((v, c) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        c.addIssue({ code: 'custom', message: `expects ${what} (a whole number from ${min} to ${max}), got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const schema = z.object({
  PORT: int(3000, 0, 65535, 'a TCP port'),
  HOST: optionalString,
  DATABASE_PATH: z
    .string()
    .optional()
    .transform((v) => v?.trim() || './data/changebot.db'),
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
    message: 'expects a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
  }),
  REDIS_PREFIX: optionalString.refine((v) => v === undefined || /^[\w.{}-]{1,64}$/.test(v), {
    message: 'expects up to 64 letters, digits, _ . - { } (no spaces or colons), e.g. changebot-prod',
  }),
  CHANGEBOT_ADMINS: z
    .string()
    .optional()
    .transform((v, c) => {
      const ids = (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = ids.filter((id) => !PERSON_ID.test(id));
      if (bad.length) {
        c.addIssue({ code: 'custom', message: `expects a comma-separated list like slack:T1/U1,teams:<aad-object-id>,cli:alice; "${bad[0]}" is not one` });
        return z.NEVER;
      }
      return ids;
    }),
  CHANGEBOT_TIMEZONE: z
    .string()
    .optional()
    .transform((v, c) => {
      const zone = v?.trim() || 'UTC';
      if (!IANAZone.isValidZone(zone)) {
        c.addIssue({ code: 'custom', message: `expects an IANA time zone such as Europe/London or UTC, got "${v}"` });
        return z.NEVER;
      }
      return zone;
    }),
  CHANGEBOT_CLOCK: optionalString,
  PUBLIC_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v), {
    message: 'expects the address people open the bot at, http(s)://host[:port][/path], e.g. https://changebot.example.com',
  }),
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || /^[\x21-\x7e]{16,256}$/.test(v), {
    message: 'expects 16 to 256 printable characters without spaces (e.g. the output of `openssl rand -hex 32`)',
  }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  // Slack (issue 3)
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: optionalString,
  SLACK_CAB_CHANNEL: optionalString,
  SLACK_ANNOUNCE_CHANNEL: optionalString,
  // Microsoft Teams (issue 5): Bot Framework's conventional names.
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).optional().default('SingleTenant'),
  MicrosoftAppTenantId: optionalString,
  // Scheduled notifications (issue 4)
  OUTAGE_NOTICE_HOURS: int(24, 0, 24 * 14, 'a number of hours'),
  RECONCILE_MINUTES: int(5, 1, 24 * 60, 'a number of minutes'),
});

export type Env = z.output<typeof schema>;

export interface Config {
  port: number;
  host: string | undefined;
  databasePath: string;
  redisUrl: string | undefined;
  /** REDIS_PREFIX: BullMQ's key prefix; unset: `changebot-<deployment id>` (see db/repos/deployment.ts). */
  redisPrefix: string | undefined;
  admins: string[];
  timezone: string;
  /**
   * CHANGEBOT_CLOCK: the time the clock starts from, for rehearsals and demos (the README's
   * session); it then runs on at normal speed. Unset: the real time.
   */
  clockStart: Date | undefined;
  logLevel: Env['LOG_LEVEL'];
  /**
   * PUBLIC_URL without a trailing slash: where people open the web pages (sign-in links, feed
   * links, the links in cards). Unset: http://localhost:<the port listened on>. An https
   * address makes the session cookie Secure.
   */
  publicUrl: string | undefined;
  /** METRICS_TOKEN: when set, `GET /metrics` needs `Authorization: Bearer <token>`; unset, it is open (like most exporters). */
  metricsToken: string | undefined;
  /** Seeds the settings an empty database lacks; the stored policy is the one in force. */
  policy: Policy;
  slack: { botToken?: string; signingSecret?: string; appToken?: string; apiUrl?: string; cabChannel?: string; announceChannel?: string };
  teams: { appId?: string; appPassword?: string; appType: Env['MicrosoftAppType']; tenantId?: string };
  jobs: { outageNoticeHours: number; reconcileMinutes: number };
}

/**
 * Reads `.env` (in the working folder) into `env`, the real environment winning: a variable
 * already set is never replaced. Returns how many it set, or undefined when there is no file.
 */
export function readEnvFile(path = '.env', env: NodeJS.ProcessEnv = process.env): number | undefined {
  const file = resolve(path);
  if (!existsSync(file)) return undefined;
  const parse = (util as { parseEnv?: (text: string) => Record<string, string> }).parseEnv;
  if (!parse) throw new ChangebotError('config', `${file} needs Node.js 20.12 or later to be read (util.parseEnv); upgrade Node or export the variables`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ChangebotError('config', `${file} cannot be read: ${(err as Error).message}`);
  }
  let set = 0;
  for (const [k, v] of Object.entries(parse(text))) {
    if (env[k] !== undefined) continue;
    env[k] = v;
    set++;
  }
  return set;
}

/** Reads the environment once. Throws ChangebotError('config') naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'configuration');
    throw new ChangebotError('config', `${name} ${issue?.message ?? 'is invalid'}`, { field: name });
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    admins: e.CHANGEBOT_ADMINS,
    timezone: e.CHANGEBOT_TIMEZONE,
    clockStart: clockStart(e.CHANGEBOT_CLOCK, e.CHANGEBOT_TIMEZONE),
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    metricsToken: e.METRICS_TOKEN,
    policy: policyFromEnv(env),
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      cabChannel: e.SLACK_CAB_CHANNEL,
      announceChannel: e.SLACK_ANNOUNCE_CHANNEL,
    },
    teams: { appId: e.MicrosoftAppId, appPassword: e.MicrosoftAppPassword, appType: e.MicrosoftAppType, tenantId: e.MicrosoftAppTenantId },
    jobs: { outageNoticeHours: e.OUTAGE_NOTICE_HOURS, reconcileMinutes: e.RECONCILE_MINUTES },
  };
}

/**
 * The policy settings given in the environment (CAB_QUORUM, LEAD_TIME_MINOR, ...: the names of
 * `admin policy show`), read by the same rules as `admin policy set`.
 */
function policyFromEnv(env: NodeJS.ProcessEnv): Policy {
  let p = DEFAULT_POLICY;
  for (const k of POLICY_KEYS) {
    const raw = env[k.key];
    if (raw === undefined || raw.trim() === '') continue;
    try {
      p = k.write(p, raw);
    } catch (e) {
      const why =
        e instanceof ChangebotError ? e.message.replace(`${k.key} expects`, 'expects').replace(`Example: ${k.key} `, `Example: ${k.key}=`) : String(e);
      throw new ChangebotError('config', `${k.key} ${why}`, { field: k.key });
    }
  }
  return p;
}

/** `2031-12-01 09:00` (in CHANGEBOT_TIMEZONE) or an ISO 8601 instant. */
function clockStart(v: string | undefined, zone: string): Date | undefined {
  if (v === undefined) return undefined;
  const t = DateTime.fromISO(v.replace(' ', 'T'), { zone });
  if (!t.isValid) {
    throw new ChangebotError('config', `CHANGEBOT_CLOCK expects a time like 2031-12-01 09:00 or 2031-12-01T09:00:00Z, got "${v}"`, {
      field: 'CHANGEBOT_CLOCK',
    });
  }
  return t.toJSDate();
}
