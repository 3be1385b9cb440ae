/**
 * The layering rules in .dependency-cruiser.cjs are configured and fire: the real config, run
 * with dependency-cruiser's own API over a small tree (test/fixtures/layering) in which each
 * file breaks one rule, reports exactly those breaks. `npm run lint:deps` runs the same config
 * over src/ as part of `npm test`.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('../fixtures/layering', import.meta.url));
const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as { forbidden: { name: string }[]; options: Record<string, unknown> };

describe('layering rules', () => {
  it('names the rules the architecture needs', () => {
    expect(config.forbidden.map((r) => r.name)).toEqual([
      'domain-is-pure',
      'app-uses-domain-and-db',
      'commands-use-app',
      'web-uses-app',
      'only-db-touches-drizzle',
      'botbuilder-in-teams',
      'slack-sdk-in-slack',
      'no-cycles',
    ]);
  });

  it('reports every break in the fixture tree, and nothing else', async () => {
    const { tsConfig: _tsConfig, ...options } = config.options;
    const result = await cruise(['src'], { ...options, ruleSet: { forbidden: config.forbidden }, validate: true, baseDir: FIXTURE } as never);
    const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
    const seen = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\//, 'node_modules/')}`).sort();
    expect(seen).toEqual([
      'app-uses-domain-and-db: src/app/reaches-chat.ts -> src/chat/queries.ts',
      'botbuilder-in-teams: src/jobs/bot-framework.ts -> node_modules/botbuilder/lib/index.js',
      'commands-use-app: src/commands/reaches-db.ts -> src/db/store.ts',
      'domain-is-pure: src/domain/impure.ts -> fs',
      'domain-is-pure: src/domain/impure.ts -> src/db/store.ts',
      // A cycle made only of type imports counts (reported once, where it closes).
      'no-cycles: src/domain/a.ts -> src/domain/b.ts',
      'only-db-touches-drizzle: src/chat/queries.ts -> node_modules/drizzle-orm/index.d.ts',
      'slack-sdk-in-slack: src/notify/slack-types.ts -> node_modules/@slack/types/dist/index.js',
      'web-uses-app: src/web/reaches-db.ts -> src/db/store.ts',
    ]);
  });
});
