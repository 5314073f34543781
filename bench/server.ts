/**
 * One benchmark target per process, so the load generator never shares its event loop:
 *   probot-bare  Probot with a no-op issue_comment handler (the webhook baseline; logs at warn)
 *   gitdone      GitDone as src/startup.ts serves it on DATABASE_URL: Probot's server built by
 *                http/probot-server.ts (access log included), logs as in production (JSON at
 *                info on stdout), GitDone's webhook intake on a pool of its own, embeds with
 *                the 1 s freshness window. No worker: jobs stay queued.
 *   raw          a node:http server answering fixed bytes (the embed baseline)
 * Usage: node --import tsx bench/server.ts <mode> <port> [raw-body-file raw-content-type]
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { Probot, Server } from 'probot';
import { pino } from 'pino';
import { gitdone } from '../src/app.js';
import type { Config } from '../src/config/env.js';
import { openDatabase } from '../src/db/database.js';
import { createMetrics } from '../src/http/metrics.js';
import { createProbotServer } from '../src/http/probot-server.js';
import { createLog } from '../src/log.js';

const [mode, portArg, bodyFile, contentType] = process.argv.slice(2);
const port = Number(portArg);
const SECRET = 'bench-secret';
/** As src/startup.ts opens them: the main pool (embeds) and webhook intake's own. */
const INTAKE_CONNECTIONS = 4;

if (mode === 'raw') {
  const body = readFileSync(bodyFile!);
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType!, 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(body);
  }).listen(port, '127.0.0.1', () => console.log('ready'));
} else if (mode === 'probot-bare') {
  const log = pino({ level: 'warn' });
  const server = new Server({ Probot: Probot.defaults({ appId: 1, privateKey: 'unused', secret: SECRET, log }), port, host: '127.0.0.1', log });
  await server.load((app) => {
    app.on('issue_comment.created', async () => {});
  });
  await server.start();
  console.log('ready');
} else {
  const { log } = await createLog({ level: process.env.LOG_LEVEL ?? 'info', format: 'json', levelInString: false, messageKey: 'msg', ignoredSentryDsn: false });
  const config = {
    host: '127.0.0.1',
    port,
    probot: { baseUrl: 'https://api.github.com', webhookPath: undefined, webhookProxyUrl: undefined, redisUrl: undefined },
  } as unknown as Config;
  const server = createProbotServer(config, log, { appId: 1, privateKey: 'unused', keySource: 'bench', webhookSecret: SECRET });
  const database = openDatabase(process.env.DATABASE_URL!);
  const intake = database.sibling(INTAKE_CONNECTIONS);
  await server.load(
    gitdone({
      db: database.db,
      intakeDb: intake.db,
      metrics: createMetrics(),
      publicUrl: `http://127.0.0.1:${port}`,
      githubUrl: 'https://github.com',
      embedCacheMs: 1000,
      webhooks: { path: '/api/github/webhooks', secret: SECRET },
    }),
  );
  await server.start();
  console.log('ready');
}
process.on('SIGTERM', () => process.exit(0)); // lets --cpu-prof write its profile
