/**
 * `/admin/queues`: bull-board over the jobs' BullMQ queues (timers, deliveries per platform), for
 * signed-in admins only. It sits in the web scope (cookies, `req.viewer`, its pages), and one
 * hook on the whole prefix guards every route bull-board adds (the page, its static assets, its
 * JSON API): a visitor gets the sign-in page (401), a signed-in person who is not an admin 403,
 * and a request that changes something (pause, retry, clean...) must come from the bot's own
 * origin (the session cookie is SameSite=Lax; this closes the rest). With the jobs off, the same
 * address says so (503) instead.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canDeployment } from '../domain/permissions.js';
import { html, page } from '../web/html.js';
import type { WebRoutes } from '../web/index.js';
import { signedIn, type WebViewer, wantsJson } from '../web/session.js';

export const BOARD_PATH = '/admin/queues';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function refuse(req: FastifyRequest, reply: FastifyReply, status: number, title: string, message: string, viewer?: WebViewer): FastifyReply {
  if (wantsJson(req)) return reply.code(status).send({ ok: false, error: message, code: status === 503 ? 'unavailable' : 'forbidden' });
  const shown = page({ title, viewer, body: html`<h1>${title}</h1><p class="notice error">${message}</p>` });
  return reply.code(status).type('text/html; charset=utf-8').send(shown.markup);
}

/** The request's origin is the bot's own: the browser says so, or its Origin is this host's or PUBLIC_URL's. */
function sameOrigin(req: FastifyRequest, publicUrl: string): boolean {
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  if (origin === `${req.protocol}://${req.host}`) return true;
  try {
    return origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

/** The hook on the whole prefix: admins only, and changes only from the bot's own pages. */
function adminsOnly(publicUrl: () => string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    if (!canDeployment(viewer.actor, 'administer')) {
      return refuse(req, reply, 403, 'Admins only', 'The queue board is for admins. Ask an admin if a reminder or an announcement seems stuck.', viewer);
    }
    if (!SAFE_METHODS.has(req.method) && !sameOrigin(req, publicUrl())) {
      return refuse(req, reply, 403, 'Refused', 'Changes to the queues are made from the queue board page itself; this request came from elsewhere.', viewer);
    }
    return undefined;
  };
}

/** The board over `queues`. */
export function queueBoard(queues: readonly Queue[]): WebRoutes {
  return (scope, deps) => {
    scope.register(
      async (board) => {
        board.addHook(
          'onRequest',
          adminsOnly(() => deps.app.publicUrl),
        );
        const server = new FastifyAdapter();
        server.setBasePath(BOARD_PATH);
        createBullBoard({
          queues: queues.map((q) => new BullMQAdapter(q)),
          serverAdapter: server,
          options: { uiConfig: { boardTitle: 'changebot queues', hideDocsLink: true } },
        });
        await board.register(server.registerPlugin());
      },
      { prefix: BOARD_PATH },
    );
  };
}

/** The same address while the jobs are off: the same guard, then 503 saying why. */
export function queueBoardOff(reason: string): WebRoutes {
  return (scope, deps) => {
    scope.register(
      async (board) => {
        board.addHook(
          'onRequest',
          adminsOnly(() => deps.app.publicUrl),
        );
        const off = async (req: FastifyRequest, reply: FastifyReply) =>
          refuse(req, reply, 503, 'The job queues are off', `Reminders and announcements are not queued: ${reason}`, req.viewer ?? undefined);
        board.get('/', off);
        board.get('/*', off);
      },
      { prefix: BOARD_PATH },
    );
  };
}
