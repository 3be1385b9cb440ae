/**
 * One verb of the command language: how it is written, its help, how its arguments are parsed
 * onto a Command, and the use case it runs. The registry (registry.ts) is a table of these,
 * grouped by aggregate.
 */
import type { AppContext } from '../app/context.js';
import type { Actor } from '../domain/types.js';
import type { Reply } from './replies.js';
import type { Token } from './tokenize.js';
import type { AdminCommand, Command, ParseContext, ReleaseCommand } from './types.js';

/** Where the platform adapter says the command was typed (for `cab-channel` without an argument). */
export interface Where {
  platform: string;
  channel?: string;
  /** The reply is seen by others too (a Teams channel or group chat; Slack's replies are ephemeral). */
  shared?: boolean;
}

/** The aggregates verbs are grouped by. */
export type Aggregate = 'rfc' | 'admin' | 'release';

/** What a parse function gets: the words after the verb, the whole text, who is typing. */
export interface ParseInput {
  rest: Token[];
  input: string;
  ctx: ParseContext;
}

export interface VerbHelp {
  aggregate: Aggregate;
  /** As typed after `/rfc`: `schedule`, `admin service add`. */
  name: string;
  /** Other spellings of the verb's last word (`create` for `new`). */
  aliases: readonly string[];
  /** The verb's words and arguments: `schedule RFC-n start=... end=...|duration=... [reason="..."] [ack=yes]`. */
  usage: string;
  /** What it does, for help: `plan the window`. */
  summary: string;
  /** Each argument and what it means, for `help <verb>`. */
  args: readonly (readonly [string, string])[];
  /** One correct example (also the one in its error messages). */
  example: string;
  /**
   * Its line in the `/rfc help` overview: `default` is `usage — summary. e.g. example`; a
   * string is written as is (verbs sharing a line); `hidden` verbs have none (shortcuts).
   */
  overview: 'default' | 'hidden' | 'shared' | string;
}

export interface RfcVerb<C extends Command = Command> extends VerbHelp {
  aggregate: 'rfc';
  /** The Command kind it parses to (shortcuts share their verb's kind). */
  kind: C['kind'];
  parse(p: ParseInput): C;
  run(ctx: AppContext, actor: Actor, cmd: C, where: Where): Reply;
}

export interface AdminVerb<C extends AdminCommand = AdminCommand> extends VerbHelp {
  aggregate: 'admin';
  kind: C['kind'];
  parse(p: ParseInput): C;
  run(ctx: AppContext, actor: Actor, cmd: C, where: Where): Reply;
}

/** A verb after `release` (`/release` on Slack): `show`, `wave start`. */
export interface ReleaseVerb<C extends ReleaseCommand = ReleaseCommand> extends VerbHelp {
  aggregate: 'release';
  kind: C['kind'];
  parse(p: ParseInput): C;
  run(ctx: AppContext, actor: Actor, cmd: C, where: Where): Reply;
}

/** Typed constructors: `run` gets the exact Command its `kind` names. */
export const rfcVerb = <K extends Command['kind']>(v: RfcVerb<Extract<Command, { kind: K }>> & { kind: K }): RfcVerb => v as unknown as RfcVerb;
export const adminVerb = <K extends AdminCommand['kind']>(v: AdminVerb<Extract<AdminCommand, { kind: K }>> & { kind: K }): AdminVerb =>
  v as unknown as AdminVerb;
export const releaseVerb = <K extends ReleaseCommand['kind']>(v: ReleaseVerb<Extract<ReleaseCommand, { kind: K }>> & { kind: K }): ReleaseVerb =>
  v as unknown as ReleaseVerb;
