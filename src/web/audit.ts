/**
 * The audit export on the web: `GET /audit.csv?from=2026-12-01&to=2026-12-31[&service=db]
 * [&rfc=RFC-12][&release=REL-3]`, `GET /audit.json?...`, and `GET /audit?...` choosing by the
 * Accept header (text/csv or application/json). Signed-in admins and change managers only
 * (a visitor gets 401, anyone else 403 saying who may); days are read in the viewer's zone,
 * `to` included; a bad or missing date is 422 with an example. The file is streamed: the rows
 * are read a page at a time as the client takes them (src/app/audit.ts).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { changeLogExport, exportCsv, exportJson } from '../app/audit.js';
import type { AppContext } from '../app/context.js';
import { type ExportArgs, type ExportFormat, exportFileName, parseExportArgs } from '../commands/admin.js';
import { ChangebotError } from '../domain/errors.js';
import { signedIn } from './session.js';

const EXAMPLE = '/audit.csv?from=2026-12-01&to=2026-12-31&service=db';
const TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/** One query parameter as text (a repeated one: its first value). */
function param(q: unknown, name: keyof ExportArgs): string | undefined {
  const v = (q as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

function exportHandler(ctx: AppContext, fixed: ExportFormat | null) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const viewer = signedIn(req, reply);
    if (!viewer) return reply;
    let format = fixed;
    if (!format) {
      const asked = req.accepts().type(['text/csv', 'application/json']);
      if (!asked) {
        throw new ChangebotError('bad_value', `The audit export is text/csv or application/json: ask for one in Accept, or open ${EXAMPLE}.`, {
          field: 'accept',
        });
      }
      format = asked === 'application/json' ? 'json' : 'csv';
    }
    const q = req.query;
    const request = parseExportArgs(
      { from: param(q, 'from'), to: param(q, 'to'), service: param(q, 'service'), rfc: param(q, 'rfc'), release: param(q, 'release'), format },
      viewer.actor.timezone,
      EXAMPLE,
    );
    // Refusals (not allowed, a range ending before it starts) happen here, before anything is sent.
    const exp = changeLogExport(ctx, viewer.actor, request);
    const chunks = format === 'csv' ? exportCsv(exp) : exportJson(exp);
    return reply
      .type(TYPES[format])
      .header('content-disposition', `attachment; filename="${exportFileName(request)}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(Readable.from(chunks));
  };
}

export function auditRoutes(scope: FastifyInstance, ctx: AppContext): void {
  scope.get('/audit.csv', exportHandler(ctx, 'csv'));
  scope.get('/audit.json', exportHandler(ctx, 'json'));
  scope.get('/audit', exportHandler(ctx, null));
}
