/**
 * The web: pages and feeds on the bot's HTTP server. Each module adds its routes to one
 * Fastify scope that has cookies, form bodies, the viewer (session.ts) and an error handler
 * that shows a refusal as a page (or JSON to an API client) with the status errors.ts gives.
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import accepts from '@fastify/accepts';
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app/context.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../server/metrics.js';
import { errorBody, statusOf } from '../server/errors.js';
import { html, page } from './html.js';
import { loadViewer, wantsJson } from './session.js';
import { icsRoutes } from './ics.js';
import { releasePageRoutes } from './release-page.js';
import { rfcPageRoutes } from './rfc-page.js';
import { signInRoutes } from './signin.js';
import { calendarRoutes } from './calendar.js';
import { auditRoutes } from './audit.js';

export interface WebDeps {
  /** The use cases' context; `app.publicUrl` is where the pages are. */
  app: AppContext;
  log: Logger;
  /**
   * Counting for `/metrics`: a web action runs its command through
   * `deps.metrics.counted('web', cmd, () => execute(...))` (counts it by verb and outcome, and a vote).
   */
  metrics: Metrics;
}

/** A module's routes, added to the web scope. */
export type WebRoutes = (scope: FastifyInstance, deps: WebDeps) => void;

/** Every module's routes, in one list. */
export const WEB_ROUTES: readonly WebRoutes[] = [
  (scope, deps) => signInRoutes(scope, deps.app),
  (scope, deps) => calendarRoutes(scope, deps.app),
  (scope, deps) => icsRoutes(scope, deps.app),
  (scope, deps) => rfcPageRoutes(scope, deps.app, deps.metrics),
  (scope, deps) => releasePageRoutes(scope, deps.app, deps.metrics),
  (scope, deps) => auditRoutes(scope, deps.app),
];

export function webPlugin(deps: WebDeps, routes: readonly WebRoutes[] = WEB_ROUTES): FastifyPluginAsync {
  return async (scope) => {
    await scope.register(cookie);
    await scope.register(formbody);
    await scope.register(accepts);
    scope.decorateRequest('viewer', null);
    scope.decorateRequest('cookieSecure', false);
    scope.addHook('onRequest', loadViewer(deps.app));
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      const status = statusOf(err);
      if (status >= 500) req.log.error({ err }, 'web request failed');
      const body = errorBody(err, status);
      if (wantsJson(req)) return reply.code(status).send(body);
      const shown = page({
        title: status === 404 ? 'Not found' : 'Refused',
        viewer: req.viewer ?? undefined,
        body: html`<h1>${status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'That could not be done'}</h1><p class="notice error">${body.error}</p>`,
      });
      return reply.code(status).type('text/html; charset=utf-8').send(shown.markup);
    });
    for (const add of routes) add(scope, deps);
  };
}
