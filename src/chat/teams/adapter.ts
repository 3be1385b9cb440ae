/**
 * The botbuilder CloudAdapter, configured from the conventional Bot Framework variables, and
 * the `POST /api/messages` handler that feeds it from the bot's plain node HTTP server.
 *
 * Without MicrosoftAppId the adapter runs unauthenticated (the Bot Framework Emulator case):
 * the credentials factory then reports authentication as disabled, inbound requests are
 * accepted without a token and outbound calls carry none. The component binds the server to
 * 127.0.0.1 in that mode.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Config } from '../../config.js';
import { ChangebotError } from '../../domain/errors.js';
import type { Handler } from '../../server/http.js';

export type TeamsAuth = { mode: 'authenticated'; appId: string } | { mode: 'unauthenticated'; appId: '' };

/** Checks the Teams variables; throws ChangebotError('config') naming the missing one. */
export function teamsAuth(teams: Config['teams']): TeamsAuth {
  if (!teams.appId) {
    if (teams.appPassword) throw configError('MicrosoftAppId', 'is required when MicrosoftAppPassword is set');
    return { mode: 'unauthenticated', appId: '' };
  }
  const need = (ok: unknown, name: string, why: string) => {
    if (!ok) throw configError(name, why);
  };
  switch (teams.appType) {
    case 'SingleTenant':
      need(
        teams.tenantId,
        'MicrosoftAppTenantId',
        'is required for a SingleTenant bot (the default MicrosoftAppType): set it to your Microsoft Entra tenant id',
      );
      need(teams.appPassword, 'MicrosoftAppPassword', 'is required for a SingleTenant bot: create a client secret for the app registration');
      break;
    case 'MultiTenant':
      need(teams.appPassword, 'MicrosoftAppPassword', 'is required for a MultiTenant bot: create a client secret for the app registration');
      break;
    case 'UserAssignedMSI':
      need(teams.tenantId, 'MicrosoftAppTenantId', 'is required for a UserAssignedMSI bot');
      if (teams.appPassword) throw configError('MicrosoftAppPassword', 'must not be set for a UserAssignedMSI bot');
      break;
  }
  return { mode: 'authenticated', appId: teams.appId };
}

function configError(name: string, why: string): ChangebotError {
  return new ChangebotError('config', `${name} ${why}.`, { field: name });
}

export function createAdapter(teams: Config['teams']): CloudAdapter {
  const auth = teamsAuth(teams);
  const settings =
    auth.mode === 'unauthenticated'
      ? {}
      : {
          MicrosoftAppId: teams.appId,
          MicrosoftAppPassword: teams.appPassword,
          MicrosoftAppType: teams.appType,
          MicrosoftAppTenantId: teams.tenantId,
        };
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
}

const MAX_BODY = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * `POST /api/messages`: node req/res adapted to the shape CloudAdapter.process expects. With
 * authentication on, a request without a bearer token is refused here (botbuilder would refuse
 * it too, after printing the error to the console).
 */
export function messagesHandler(adapter: CloudAdapter, logic: (context: TurnContext) => Promise<void>, auth: TeamsAuth): Handler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (auth.mode === 'authenticated' && !/^Bearer \S/i.test(req.headers.authorization ?? '')) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Unauthorized: a Bot Framework bearer token is required' }));
      return;
    }
    const body = await readJson(req);
    if (!body) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'expected a JSON Bot Framework activity' }));
      return;
    }
    const response = {
      socket: res.socket,
      status(code: number) {
        res.statusCode = code;
      },
      header(name: string, value: unknown) {
        res.setHeader(name, String(value));
      },
      send(payload: unknown) {
        if (payload === undefined || payload === null) return;
        if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
          res.write(payload);
          return;
        }
        if (!res.headersSent) res.setHeader('content-type', 'application/json');
        res.write(JSON.stringify(payload));
      },
      end() {
        res.end();
      },
    };
    await adapter.process({ body, headers: req.headers, method: req.method }, response, logic);
  };
}
