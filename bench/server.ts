/**
 * One benchmark target per process, so the load generator never shares its event loop:
 *   probot-bare  Probot with a no-op issue_comment handler (the webhook baseline)
 *   gitdone      GitDone's app (webhook recording + embed routes) on DATABASE_URL
 *   raw          a node:http server answering fixed bytes (the embed baseline)
 * Usage: node --import tsx bench/server.ts <mode> <port> [raw-body-file raw-content-type]
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { Probot, Server } from 'probot';
import { pino } from 'pino';
import { gitdone } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { createMetrics } from '../src/http/metrics.js';

const [mode, portArg, bodyFile, contentType] = process.argv.slice(2);
const port = Number(portArg);
const log = pino({ level: 'warn' });
const probotOptions = { appId: 1, privateKey: 'unused', secret: 'bench-secret', log };

if (mode === 'raw') {
  const body = readFileSync(bodyFile!);
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType!, 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(body);
  }).listen(port, '127.0.0.1', () => console.log('ready'));
} else {
  const server = new Server({ Probot: Probot.defaults(probotOptions), port, host: '127.0.0.1', log, loggingOptions: { autoLogging: false } } as never);
  if (mode === 'probot-bare') {
    await server.load((app) => {
      app.on('issue_comment.created', async () => {});
    });
  } else {
    const database = openDatabase(process.env.DATABASE_URL!);
    await server.load(gitdone({ db: database.db, metrics: createMetrics(), publicUrl: `http://127.0.0.1:${port}`, githubUrl: 'https://github.com', embedCacheMs: 1000 }));
  }
  await server.start();
  console.log('ready');
}
process.on('SIGTERM', () => process.exit(0)); // lets --cpu-prof write its profile
