/**
 * The verbs after `release` (Slack `/release`, Teams `release ...`, the CLI's
 * `changebot --as NAME release ...`), in the order of `release help`. Each parses onto the input
 * of one use case in src/app/releases.ts (or release-queries.ts) and runs it.
 *
 * Decisions:
 * - Release keys: REL-3, rel-3, rel3 and 3 all mean REL-3; RFC keys as in `/rfc`.
 * - `channel=` (status message): on Slack a channel mention `#payroll` (arrives as `<#C1|payroll>`)
 *   or its id `C1`; on Teams `channel=here` (the channel or chat it is typed in; also on Slack);
 *   anywhere `slack:C1` or `teams:<conversation id>`; `channel=none` clears them.
 * - `none` (or an empty value) clears goal, target, testing, communications and training.
 */
import {
  addReleaseRfc,
  addWave,
  advanceRelease,
  backOutRelease,
  cancelRelease,
  changePackage,
  closeRelease,
  createRelease,
  editRelease,
  finishWave,
  giveGo,
  giveNoGo,
  pilot,
  recordTest,
  removeReleaseRfc,
  resumeRelease,
  reviewRelease,
  setReleasePlan,
  signOff,
  startWave,
  suspendRelease,
  tickReadiness,
} from '../app/releases.js';
import type { AppContext, Outcome } from '../app/context.js';
import { listReleasesFor, releaseLog, showRelease } from '../app/release-queries.js';
import { READINESS_FACTORS, READINESS_LABELS, SIGNOFF_CLUSTERS } from '../domain/release.js';
import type { Release } from '../domain/release.js';
import type { Actor } from '../domain/types.js';
import { collectArgs } from './args.js';
import { EXAMPLES } from './help.js';
import { type Reply, outcomeText } from './replies.js';
import { type ReleaseVerb, releaseVerb } from './verb.js';
import {
  type Arg,
  keyOnly,
  keyReason,
  leadKey,
  type Of,
  parseEditRelease,
  parseNewRelease,
  parseNoGo,
  parsePackage,
  parsePhase,
  parsePilot,
  parsePlan,
  parseReleaseList,
  parseReleaseReview,
  parseRfcMember,
  parseSignoff,
  parseTest,
  parseTick,
  parseWaveAdd,
  parseWaveFinish,
  parseWaveStart,
  REASON_ALIASES,
  textOf,
  withHere,
} from './release-parse.js';

/** The reply to a use case that changed a release: its message, and the release as the actor sees it. */
export function releaseReply(ctx: AppContext, actor: Actor, outcome: Outcome<Release>): Reply {
  const key = outcome.release?.key;
  return { text: outcomeText(outcome), outcome, ...(key ? { releaseView: showRelease(ctx, actor, key).view } : {}) };
}

function showReply(ctx: AppContext, actor: Actor, key: string): Reply {
  const shown = showRelease(ctx, actor, key);
  return { text: shown.text, releaseView: shown.view };
}

// --- the table -----------------------------------------------------------------------------------

const KEY: Arg = ['REL-n', 'the release: REL-3, rel-3 and 3 all mean REL-3'];
const REASON: Arg = ['reason="..."', 'why, for the change log (optional; plain words after the key work too)'];
const NOTE: Arg = ['note="..."', 'what was done or seen, for the change log (optional; plain words work too)'];
const FIELD_ARGS: Arg[] = [
  ['goal="..."', 'what the release is for'],
  ['manager=@person', 'the release manager (default: you)'],
  ['target=2026-12-20', 'the target date, read in your time zone'],
  ['channel=#channel', 'where its status message is kept: a Slack channel, channel=here in Teams (or Slack), none to clear'],
];
const TEAM_ARGS: Arg[] = [
  ['testing=@person', 'the testing coordinator (none clears)'],
  ['communications=@person', 'the communications coordinator'],
  ['training=@person', 'the training coordinator'],
];
const READINESS_LIST = READINESS_FACTORS.map((f, i) => `${i + 1} ${f} (${READINESS_LABELS[f]})`).join('; ');

const closing = (kind: 'release-close' | 'release-suspend' | 'release-resume' | 'release-cancel', summary: string, useCase: typeof closeRelease) => {
  const word = kind.slice('release-'.length) as 'close' | 'suspend' | 'resume' | 'cancel';
  return releaseVerb({
    aggregate: 'release',
    kind,
    name: word,
    aliases: [],
    // Suspending and cancelling say why (the use cases refuse without a reason).
    usage: word === 'suspend' || word === 'cancel' ? `${word} REL-n reason="..."` : `${word} REL-n [reason="..."]`,
    summary,
    args: [KEY, REASON],
    example: EXAMPLES[`release ${word}`],
    overview: 'default',
    parse: ({ rest }) => keyReason(kind, `release ${word}`, rest),
    run: (ctx, actor, cmd) => releaseReply(ctx, actor, useCase(ctx, actor, cmd.key, cmd.reason)),
  });
};

const waveFinishing = (step: 'done' | 'fail' | 'backout', summary: string) =>
  releaseVerb({
    aggregate: 'release',
    kind: 'wave-finish',
    name: `wave ${step}`,
    aliases: step === 'done' ? ['successful', 'complete'] : step === 'fail' ? ['failed'] : ['backed-out'],
    usage: step === 'backout' ? 'wave backout REL-n N|all [note="..."]' : `wave ${step} REL-n N [note="..."]`,
    summary,
    args: [KEY, ['N', step === 'backout' ? 'the wave number, or all: the whole release is backed out' : 'the wave number (wave list: release show)'], NOTE],
    example: EXAMPLES[`release wave ${step}`],
    overview: 'shared',
    // `wave backout REL-n all` parses to release-backout, which runs the `backout` verb below.
    parse: ({ rest }) => parseWaveFinish(step, rest) as Of<'wave-finish'>,
    run(ctx, actor, cmd) {
      const { kind: _k, key, outcome, ...input } = cmd;
      return releaseReply(ctx, actor, finishWave(ctx, actor, key, outcome, input));
    },
  });

export const RELEASE_VERBS: readonly ReleaseVerb[] = [
  releaseVerb({
    aggregate: 'release',
    kind: 'release-new',
    name: 'new',
    aliases: ['create'],
    usage: 'new "Name" [goal="..."] [manager=@x] [target=DATE] [channel=#c]',
    summary: 'start a release, in planning (in chat, new alone opens a form)',
    args: [['"Name"', 'the release name (or name="...")'], ...FIELD_ARGS, ...TEAM_ARGS],
    example: EXAMPLES['release new'],
    overview: 'default',
    parse: ({ rest, ctx }) => parseNewRelease(rest, ctx),
    run(ctx, actor, cmd, where) {
      if (Object.keys(cmd.fields).length === 0 && !cmd.here)
        return { text: `Opening the release form… (or start one in a line: ${EXAMPLES['release new']})`, openReleaseForm: true };
      return releaseReply(ctx, actor, createRelease(ctx, actor, withHere(cmd.fields, cmd.here, where)));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-show',
    name: 'show',
    aliases: ['view', 'get'],
    usage: 'show REL-n',
    summary: 'show a release: phase, RFCs, package, tests, readiness, waves (release REL-n works too)',
    args: [KEY],
    example: EXAMPLES['release show'],
    overview: 'default',
    parse: ({ rest }) => keyOnly('release-show', 'release show', rest),
    run: (ctx, actor, cmd) => showReply(ctx, actor, cmd.key),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-list',
    name: 'list',
    aliases: ['ls'],
    usage: 'list [mine|open|all]',
    summary: 'list releases (default mine)',
    args: [['mine|open|all', 'the releases you manage or work on, every release not yet closed or cancelled, or all']],
    example: EXAMPLES['release list'],
    overview: 'default',
    parse: ({ rest }) => parseReleaseList(rest),
    run(ctx, actor, cmd) {
      const listed = listReleasesFor(ctx, actor, cmd.filter);
      return { text: listed.text, releaseList: listed.items };
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-edit',
    name: 'edit',
    aliases: [],
    usage: 'edit REL-n name= goal= target= manager= channel=',
    summary: 'change the name, goal, target date, manager or status channel',
    args: [KEY, ['name="..."', 'the release name'], ...FIELD_ARGS],
    example: EXAMPLES['release edit'],
    overview: 'default',
    parse: ({ rest, ctx }) => parseEditRelease(rest, ctx, 'release edit'),
    run: (ctx, actor, cmd, where) => releaseReply(ctx, actor, editRelease(ctx, actor, cmd.key, withHere(cmd.fields, cmd.here, where))),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-edit',
    name: 'team',
    aliases: [],
    usage: 'team REL-n testing=@t communications=@c training=@tr',
    summary: 'name the release team',
    args: [KEY, ...TEAM_ARGS],
    example: EXAMPLES['release team'],
    overview: 'default',
    parse: ({ rest, ctx }) => parseEditRelease(rest, ctx, 'release team'),
    run: (ctx, actor, cmd, where) => releaseReply(ctx, actor, editRelease(ctx, actor, cmd.key, withHere(cmd.fields, cmd.here, where))),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-add',
    name: 'add',
    aliases: [],
    usage: 'add REL-n RFC-k',
    summary: 'bundle an approved RFC into the release',
    args: [KEY, ['RFC-k', 'the RFC: RFC-12, rfc-12, #12 and 12 all mean RFC-12']],
    example: EXAMPLES['release add'],
    overview: 'default',
    parse: ({ rest }) => parseRfcMember('release-add', rest),
    run: (ctx, actor, cmd) => releaseReply(ctx, actor, addReleaseRfc(ctx, actor, cmd.key, { rfc: cmd.rfc, ...(cmd.reason ? { reason: cmd.reason } : {}) })),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-remove',
    name: 'remove',
    aliases: ['rm'],
    usage: 'remove REL-n RFC-k [reason="..."]',
    summary: 'take an RFC out of the release (its manager is told)',
    args: [KEY, ['RFC-k', 'the RFC'], REASON],
    example: EXAMPLES['release remove'],
    overview: 'default',
    parse: ({ rest }) => parseRfcMember('release-remove', rest),
    run: (ctx, actor, cmd) => releaseReply(ctx, actor, removeReleaseRfc(ctx, actor, cmd.key, { rfc: cmd.rfc, ...(cmd.reason ? { reason: cmd.reason } : {}) })),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-plan',
    name: 'plan',
    aliases: [],
    usage: 'plan REL-n order="..." training="..." communications="..." backout="..."',
    summary: 'the release plan; the parts given replace those stored',
    args: [
      KEY,
      ['order="..."', 'the deployment order to the target group'],
      ['training="..."', 'how administrators, support staff and users are trained'],
      ['communications="..."', 'who is told what, and when'],
      ['backout="..."', 'how the whole release is backed out'],
    ],
    example: EXAMPLES['release plan'],
    overview: 'default',
    parse: ({ rest }) => parsePlan(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, setReleasePlan(ctx, actor, key, input));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-phase',
    name: 'phase',
    aliases: ['advance', 'next'],
    usage: 'phase REL-n [next]',
    summary: 'to the next work phase: planning, building, acceptance testing, readiness review',
    args: [KEY],
    example: EXAMPLES['release phase'],
    overview: 'default',
    parse: ({ rest }) => parsePhase(rest),
    run: (ctx, actor, cmd) => releaseReply(ctx, actor, advanceRelease(ctx, actor, cmd.key)),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-package',
    name: 'package',
    aliases: ['pkg'],
    usage: 'package REL-n artifact=NAME version=1.2.3 sha256=HEX [link=URL] | remove=NAME | install="..." removal="..." [reason="..."]',
    summary: 'the release package: artifacts with their checksums, install and removal procedures',
    args: [
      KEY,
      ['artifact=NAME version=... sha256=...', 'add (or replace, by name) an artifact; sha256 is its 64-hex-digit checksum'],
      ['link=https://...', 'where the artifact is kept (an http or https URL)'],
      ['remove=NAME', 'take an artifact out'],
      ['install="..." removal="..."', 'the installation and removal procedures'],
      ['reason="..."', 'why; a change manager gives one to amend the package after go'],
    ],
    example: EXAMPLES['release package'],
    overview: 'default',
    parse: ({ rest }) => parsePackage(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, changePackage(ctx, actor, key, input));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-test',
    name: 'test',
    aliases: [],
    usage: 'test REL-n "name" pass|fail [note="..."]',
    summary: 'record a test result (acceptance testing)',
    args: [KEY, ['"name"', 'the test, in quotes'], ['pass|fail', 'its result'], NOTE],
    example: EXAMPLES['release test'],
    overview: 'default',
    parse: ({ rest }) => parseTest(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, recordTest(ctx, actor, key, input));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-signoff',
    name: 'signoff',
    aliases: ['sign-off', 'sign'],
    usage: `signoff REL-n ${SIGNOFF_CLUSTERS.join('|')} [note="..."]`,
    summary: 'sign off acceptance testing for a role cluster',
    args: [KEY, [SIGNOFF_CLUSTERS.join('|'), 'the role cluster you sign off for'], NOTE],
    example: EXAMPLES['release signoff'],
    overview: 'default',
    parse: ({ rest }) => parseSignoff(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, signOff(ctx, actor, key, input));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-pilot',
    name: 'pilot',
    aliases: [],
    usage: 'pilot REL-n proven|approve [note="..."]',
    summary: 'the backout was proven in test (proven); a change manager approves the pilot (approve)',
    args: [KEY, ['proven|approve', 'proven: the backout procedure worked in test; approve: pilot in production'], NOTE],
    example: EXAMPLES['release pilot'],
    overview: 'default',
    parse: ({ rest }) => parsePilot(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, pilot(ctx, actor, key, input));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-readiness',
    name: 'readiness',
    aliases: ['ready'],
    usage: 'readiness REL-n',
    summary: 'the readiness review: what is ticked, what is still open',
    args: [KEY],
    example: EXAMPLES['release readiness'],
    overview: 'default',
    parse: ({ rest }) => keyOnly('release-readiness', 'release readiness', rest),
    run: (ctx, actor, cmd) => showReply(ctx, actor, cmd.key),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-tick',
    name: 'tick',
    aliases: ['check'],
    usage: 'tick REL-n ITEM [note="..."] [na="reason"]',
    summary: 'tick a readiness item, or mark it not applicable with a reason',
    args: [KEY, ['ITEM', `the item's id or number: ${READINESS_LIST}`], NOTE, ['na="reason"', 'the item does not apply to this release, and why']],
    example: EXAMPLES['release tick'],
    overview: 'default',
    parse: ({ rest }) => parseTick(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, tickReadiness(ctx, actor, key, input));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-go',
    name: 'go',
    aliases: [],
    usage: 'go REL-n',
    summary: 'go, by the release manager and a change manager; the second moves it to deployment and freezes the package',
    args: [KEY],
    example: EXAMPLES['release go'],
    overview: 'default',
    parse: ({ rest }) => keyOnly('release-go', 'release go', rest),
    run: (ctx, actor, cmd) => releaseReply(ctx, actor, giveGo(ctx, actor, cmd.key)),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-nogo',
    name: 'nogo',
    aliases: ['no-go'],
    usage: 'nogo REL-n to=planning|building|acceptance-testing|suspended|cancelled reason="..."',
    summary: 'no-go: back to a phase, suspended or cancelled, with the reason',
    args: [KEY, ['to=...', 'where it goes: planning, building, acceptance-testing, suspended or cancelled'], ['reason="..."', 'why (required)']],
    example: EXAMPLES['release nogo'],
    overview: 'default',
    parse: ({ rest }) => parseNoGo(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, giveNoGo(ctx, actor, key, input));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'wave-add',
    name: 'wave add',
    aliases: [],
    usage: 'wave add REL-n [pilot] start=... duration=...|end=... [services=a,b] [audience=...] [outage=30m] [reason="..."] [ack=yes]',
    summary: 'plan a deployment wave (a pilot wave goes first)',
    args: [
      KEY,
      ['pilot', 'the pilot wave: deployed and signed off before the others start'],
      ['start=... end=...|duration=...', 'its window, read in your time zone: 2026-12-12 22:00, sat 22:00; 90m, 2h'],
      ['services=a,b', 'the services it touches (default: those of the RFCs)'],
      ['audience=...', 'who is told of its outage (default: the services’ audiences)'],
      ['outage=30m', 'the expected outage (none by default)'],
      ['reason="..." ack=yes', 'a change manager goes ahead despite the listed conflicts'],
    ],
    example: EXAMPLES['release wave add'],
    overview:
      'wave add REL-n [pilot] start=... duration=... [services=a,b] [outage=30m], wave start REL-n N [override="..."], wave done|fail|backout REL-n N [note="..."], wave backout REL-n all — the deployment waves. e.g. /release wave start REL-3 1',
    parse: ({ rest, ctx }) => parseWaveAdd(rest, ctx),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, addWave(ctx, actor, key, input));
    },
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'wave-start',
    name: 'wave start',
    aliases: ['begin'],
    usage: 'wave start REL-n N [override="..."]',
    summary: 'start deploying a wave (inside its window; the others only after the pilot is signed off)',
    args: [KEY, ['N', 'the wave number'], ['override="..."', 'a change manager starts it outside its window, with this reason'], NOTE],
    example: EXAMPLES['release wave start'],
    overview: 'shared',
    parse: ({ rest }) => parseWaveStart(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, startWave(ctx, actor, key, input));
    },
  }),
  waveFinishing('done', 'the wave was deployed successfully (signs it off)'),
  waveFinishing('fail', 'the wave failed'),
  waveFinishing('backout', 'the wave was backed out (all: the whole release)'),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-backout',
    name: 'backout',
    aliases: [],
    usage: 'backout REL-n [reason="..."]',
    summary: 'back out the whole release: every started wave, and its RFCs (the same as wave backout REL-n all)',
    args: [KEY, REASON],
    example: '/release backout REL-3 reason="payroll totals wrong"',
    overview: 'hidden',
    parse({ rest }) {
      const example = '/release backout REL-3 reason="payroll totals wrong"';
      const args = collectArgs(rest, { keys: ['reason'], aliases: { ...REASON_ALIASES, note: 'reason' }, example });
      const key = leadKey(args, example);
      const reason = textOf(args, 'reason', 1, example);
      return reason ? { kind: 'release-backout', key, reason } : { kind: 'release-backout', key };
    },
    run: (ctx, actor, cmd) => releaseReply(ctx, actor, backOutRelease(ctx, actor, cmd.key, cmd.reason)),
  }),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-review',
    name: 'review',
    aliases: [],
    usage: 'review REL-n [outcome="..."] [workarounds="..."] [lessons="..."] [followup="RFC title"]',
    summary: 'the release review; followup raises an RFC linked to the release',
    args: [
      KEY,
      ['outcome="..."', 'how the deployment went'],
      ['workarounds="..."', 'workarounds in place'],
      ['lessons="..."', 'lessons learned'],
      ['followup="..."', 'the title of a follow-up RFC to raise (a draft you own)'],
    ],
    example: EXAMPLES['release review'],
    overview: 'default',
    parse: ({ rest }) => parseReleaseReview(rest),
    run(ctx, actor, cmd) {
      const { kind: _k, key, ...input } = cmd;
      return releaseReply(ctx, actor, reviewRelease(ctx, actor, key, input));
    },
  }),
  closing('release-close', 'close after its review', closeRelease),
  closing('release-suspend', 'put the release on hold', suspendRelease),
  closing('release-resume', 'resume a suspended release where it was', resumeRelease),
  closing('release-cancel', 'cancel the release (its RFCs leave it, still approved)', cancelRelease),
  releaseVerb({
    aggregate: 'release',
    kind: 'release-log',
    name: 'log',
    aliases: ['history'],
    usage: 'log REL-n',
    summary: 'the release’s change log',
    args: [KEY],
    example: EXAMPLES['release log'],
    overview: 'default',
    parse: ({ rest }) => keyOnly('release-log', 'release log', rest),
    run: (ctx, actor, cmd) => ({ text: releaseLog(ctx, actor, cmd.key).text }),
  }),
];
