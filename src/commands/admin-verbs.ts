/** The `admin` verbs, in the order of the `/rfc help` overview. */
import { grantRole, listRoles, revokeRole, setCabChannel, showCabChannel } from '../app/admin.js';
import {
  addBlackout, addMaintenanceWindow, addService, listBlackouts, listMaintenanceWindows, listServices, removeBlackout,
  removeMaintenanceWindow, removeService,
} from '../app/catalogue.js';
import type { Outcome } from '../app/context.js';
import {
  parseAdminList, parseBlackoutAdd, parseCabChannel, parseGrant, parseIdRemove, parseRoles, parseServiceAdd, parseServiceRemove,
  parseWindowAdd,
} from './admin.js';
import { EXAMPLES } from './help.js';
import { type Reply, outcomeText } from './replies.js';
import { type AdminVerb, adminVerb } from './verb.js';

const reply = (o: Outcome<unknown>): Reply => ({ text: outcomeText(o), outcome: o });
const ROLE_NAMES = 'cab, change-manager, release-manager, admin';
const PERSON = ['<person>', 'a mention (@alice), a platform id (slack:T/U, teams:...) or, on the CLI, a name'] as const;
const ROLE = ['<role>', ROLE_NAMES] as const;
const ID = ['<id>', 'its number, as listed (3 or #3)'] as const;

export const ADMIN_VERBS: readonly AdminVerb[] = [
  adminVerb({
    aggregate: 'admin', kind: 'grant', name: 'admin grant', aliases: [], usage: 'admin grant <person> <role>', summary: 'give a person a role',
    args: [PERSON, ROLE], example: EXAMPLES['admin grant'],
    overview: `admin grant|revoke <person> <role> — roles: ${ROLE_NAMES}. e.g. ${EXAMPLES['admin grant']}`,
    parse: ({ rest, ctx }) => parseGrant('grant', rest, ctx),
    run: (ctx, actor, { person, role }) => reply(grantRole(ctx, actor, { person, role })),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'revoke', name: 'admin revoke', aliases: [], usage: 'admin revoke <person> <role>', summary: 'take a role away (not the last admin)',
    args: [PERSON, ROLE], example: EXAMPLES['admin revoke'], overview: 'shared',
    parse: ({ rest, ctx }) => parseGrant('revoke', rest, ctx),
    run: (ctx, actor, { person, role }) => reply(revokeRole(ctx, actor, { person, role })),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'roles', name: 'admin roles', aliases: [], usage: 'admin roles [person]', summary: 'who holds which role',
    args: [['[person]', 'only this person']], example: EXAMPLES['admin roles'], overview: 'default',
    parse: ({ rest, ctx }) => parseRoles(rest, ctx),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(listRoles(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'service-add', name: 'admin service add', aliases: ['new', 'create'], usage: 'admin service add NAME [owner=...] [audience=a,b] [depends=a,b]',
    summary: 'add a service, or update the one of that name',
    args: [
      ['NAME', 'the service (no commas)'], ['owner=...', 'the person who owns it'],
      ['audience=a,b', 'channels, user groups or people told about its outages'], ['depends=a,b', 'services it depends on (added first)'],
    ],
    example: EXAMPLES['admin service add'],
    overview: `admin service add NAME [owner=...] [audience=a,b] [depends=a,b] | remove NAME | list. e.g. ${EXAMPLES['admin service add']}`,
    parse: ({ rest, ctx }) => parseServiceAdd(rest, ctx),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(addService(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'service-remove', name: 'admin service remove', aliases: ['rm', 'delete', 'del'], usage: 'admin service remove NAME',
    summary: 'remove a service no open RFC or other service uses', args: [['NAME', 'the service']], example: EXAMPLES['admin service remove'], overview: 'shared',
    parse: ({ rest }) => parseServiceRemove(rest),
    run: (ctx, actor, { name }) => reply(removeService(ctx, actor, { name })),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'service-list', name: 'admin service list', aliases: ['ls'], usage: 'admin service list', summary: 'the service catalogue',
    args: [], example: EXAMPLES['admin service'], overview: 'shared',
    parse: ({ rest }) => parseAdminList('service', rest),
    run: (ctx, actor) => reply(listServices(ctx, actor)),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'window-add', name: 'admin window add', aliases: ['new', 'create'], usage: 'admin window add [service=NAME] rrule="..." duration=4h',
    summary: 'add a recurring maintenance window, in your time zone',
    args: [
      ['service=NAME', 'only for this service (default: all services)'], ['rrule="..."', 'when it opens, an RFC 5545 rule like FREQ=WEEKLY;BYDAY=SA;BYHOUR=22'],
      ['duration=4h', 'how long it stays open'],
    ],
    example: EXAMPLES['admin window add'],
    overview: `admin window add [service=NAME] rrule="..." duration=4h | remove <id> | list. e.g. ${EXAMPLES['admin window add']}`,
    parse: ({ rest }) => parseWindowAdd(rest),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(addMaintenanceWindow(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'window-remove', name: 'admin window remove', aliases: ['rm', 'delete', 'del'], usage: 'admin window remove <id>',
    summary: 'remove a maintenance window', args: [ID], example: EXAMPLES['admin window remove'], overview: 'shared',
    parse: ({ rest }) => parseIdRemove('window', rest),
    run: (ctx, actor, { id }) => reply(removeMaintenanceWindow(ctx, actor, { id })),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'window-list', name: 'admin window list', aliases: ['ls'], usage: 'admin window list', summary: 'the maintenance windows',
    args: [], example: EXAMPLES['admin window'], overview: 'shared',
    parse: ({ rest }) => parseAdminList('window', rest),
    run: (ctx, actor) => reply(listMaintenanceWindows(ctx, actor)),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'blackout-add', name: 'admin blackout add', aliases: ['new', 'create'], usage: 'admin blackout add start=... end=... [reason="..."]',
    summary: 'add a blackout (change freeze)',
    args: [['start=...', 'when the freeze starts, in your time zone'], ['end=... | duration=...', 'when it ends'], ['reason="..."', 'why, shown with it']],
    example: EXAMPLES['admin blackout add'],
    overview: `admin blackout add start=... end=... [reason="..."] | remove <id> | list. e.g. ${EXAMPLES['admin blackout add']}`,
    parse: ({ rest, ctx }) => parseBlackoutAdd(rest, ctx),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(addBlackout(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'blackout-remove', name: 'admin blackout remove', aliases: ['rm', 'delete', 'del'], usage: 'admin blackout remove <id>',
    summary: 'remove a blackout', args: [ID], example: EXAMPLES['admin blackout remove'], overview: 'shared',
    parse: ({ rest }) => parseIdRemove('blackout', rest),
    run: (ctx, actor, { id }) => reply(removeBlackout(ctx, actor, { id })),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'blackout-list', name: 'admin blackout list', aliases: ['ls'], usage: 'admin blackout list', summary: 'the blackouts',
    args: [], example: EXAMPLES['admin blackout'], overview: 'shared',
    parse: ({ rest }) => parseAdminList('blackout', rest),
    run: (ctx, actor) => reply(listBlackouts(ctx, actor)),
  }),
  adminVerb({
    aggregate: 'admin', kind: 'cab-channel', name: 'admin cab-channel', aliases: [], usage: 'admin cab-channel [#channel]',
    summary: 'show or set the CAB channel',
    args: [['[#channel]', 'where CAB voting cards go (default: the channel you type this in; on the CLI, shows the current ones)']],
    example: EXAMPLES['admin cab-channel'], overview: 'default',
    parse: ({ rest, ctx }) => parseCabChannel(rest, ctx),
    run(ctx, actor, cmd, where) {
      const channel = cmd.channel ?? where.channel;
      if (channel) return reply(setCabChannel(ctx, actor, { platform: where.platform, channel }));
      // Nothing to set (the CLI): say where the cards go now.
      return reply(showCabChannel(ctx, actor, { platforms: where.platform === 'cli' ? ['slack', 'teams'] : [where.platform] }));
    },
  }),
];
