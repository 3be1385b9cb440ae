/**
 * Layering rules, checked by `npm run lint:deps` (part of `npm test`) and proved to fire by
 * test/unit/layering.test.ts. Paths are relative to the directory depcruise runs from; npm
 * packages are matched anywhere in the path (`(^|/)node_modules/...`) so the same rules work
 * on the fixture tree in test/fixtures/layering.
 */
const npm = (names) => `(^|/)node_modules/(${names})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain is pure: it imports only itself and the npm packages luxon and rrule (no other package, no node: builtin).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', npm('(@types/)?(luxon|rrule)')] },
    },
    {
      name: 'app-uses-domain-and-db',
      comment: 'src/app (the use cases) imports only src/app, src/domain, src/db and npm packages.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { pathNot: ['^src/(app|domain|db)/', '(^|/)node_modules/'] },
    },
    {
      name: 'commands-use-app',
      comment: 'src/commands (the command language) goes through the use cases, never to the database, chat, notify, jobs, server or bot wiring.',
      severity: 'error',
      from: { path: '^src/commands/' },
      to: { path: ['^src/(db|chat|notify|jobs|server)/', '^src/bot\\.ts$'] },
    },
    {
      name: 'web-uses-app',
      comment: 'src/web (pages, feeds, exports) goes through the use cases and the command language, never to the database, chat, notify or jobs.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: ['^src/(db|chat|notify|jobs)/', '^src/bot\\.ts$'] },
    },
    {
      name: 'only-db-touches-drizzle',
      comment: 'Drizzle, better-sqlite3 and the table schema are used only inside src/db (and the benchmarks, which count delivery rows directly).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/db/', '^src/bench/'] },
      to: { path: [npm('drizzle-orm|better-sqlite3|@types/better-sqlite3'), '^src/db/schema\\.ts$'] },
    },
    {
      name: 'botbuilder-in-teams',
      comment: 'The Bot Framework SDK (botbuilder, botframework-*) stays inside the Teams adapter.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/chat/teams/' },
      to: { path: npm('botbuilder[^/]*|botframework-[^/]+') },
    },
    {
      name: 'slack-sdk-in-slack',
      comment: 'The Slack SDK (@slack/*) stays inside the Slack adapter (and the benchmarks, which drive it).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(chat/slack|bench)/' },
      to: { path: npm('@slack/[^/]+') },
    },
    {
      name: 'no-cycles',
      comment: 'No circular dependencies, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
