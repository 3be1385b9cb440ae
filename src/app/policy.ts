/** The approval policy: shown to anyone, changed by admins, every change in the change log. */
import { appendLog } from '../db/repos/log.js';
import { writePolicyEntry } from '../db/repos/policy.js';
import { authorizeDeployment } from '../domain/permissions.js';
import { POLICY_KEYS, policyKey } from '../domain/policy-keys.js';
import type { Actor } from '../domain/types.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import type { PolicySetInput } from './inputs.js';

export interface PolicySetting {
  key: string;
  value: string;
  means: string;
}

export function showPolicy(ctx: AppContext, _actor: Actor): Outcome<PolicySetting[]> {
  const policy = ctx.policy;
  const settings = POLICY_KEYS.map((k) => ({ key: k.key, value: k.read(policy), means: k.means }));
  const width = Math.max(...settings.map((s) => s.key.length + s.value.length));
  const lines = settings.map((s) => `${s.key} ${s.value}${' '.repeat(width - s.key.length - s.value.length)}  ${s.means}`);
  return { result: settings, message: `The approval policy (admins change it with policy set KEY VALUE):\n${lines.join('\n')}`, notifications: [] };
}

export function setPolicy(ctx: AppContext, actor: Actor, input: PolicySetInput): Outcome<PolicySetting> {
  return inTransaction(ctx, (tx) => {
    authorizeDeployment(actor, 'administer');
    const k = policyKey(input.key);
    const current = ctx.policy;
    const from = k.read(current);
    const to = k.read(k.write(current, input.value));
    const result = { key: k.key, value: to, means: k.means };
    if (from === to) return { result, message: `${k.key} is already ${to}.`, notifications: [] };
    const at = ctx.clock.now();
    writePolicyEntry(tx, k.key, to, actor.id, at);
    appendLog(tx, { subject: null, at, actor: actor.id, action: 'policy-set', detail: { key: k.key, from, to } });
    const when = k.openVotes ? 'It applies from now on, to open votes too.' : 'It applies from now on; approvals already open keep what they started with.';
    return { result, message: `${k.key} is now ${to} (was ${from}): ${k.means}. ${when}`, notifications: [] };
  });
}
