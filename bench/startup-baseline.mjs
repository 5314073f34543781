/**
 * The baselines of bench/startup.ts, in plain JavaScript run by plain `node` (no tsx, no
 * build), so that each loads only what it needs:
 *   raw     a node:http server answering 200 to everything
 *   probot  bare Probot: its Server with a no-op app (signature check and routing only), as
 *           bench/server.ts's webhook baseline; its first 200 is Probot's own GET /ping
 *   modules GitDone's modules, loaded as dist/src/main.js loads them, then the raw server:
 *           what loading the code costs, without a database, migrations or workers
 * Usage: node bench/startup-baseline.mjs <raw|probot|modules> <port> [dist folder]
 * (PRIVATE_KEY from the environment)
 */
const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg);
process.on('SIGTERM', () => process.exit(0));

if (mode === 'modules') {
  const { pathToFileURL } = await import('node:url');
  const dist = process.argv[4];
  // The modules main.ts imports, in its order; importing them starts nothing.
  for (const m of ['lifecycle.js', 'configure.js', 'start-database.js', 'jobs/reaper.js', 'startup.js']) {
    await import(pathToFileURL(`${dist}/src/${m}`).href);
  }
}

if (mode === 'raw' || mode === 'modules') {
  const { createServer } = await import('node:http');
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  }).listen(port, '127.0.0.1');
} else if (mode === 'probot') {
  const { Probot, Server } = await import('probot');
  const { pino } = await import('pino');
  const log = pino({ level: 'warn' });
  const server = new Server({
    Probot: Probot.defaults({ appId: 1, privateKey: process.env.PRIVATE_KEY, secret: 'bench-secret', log }),
    port,
    host: '127.0.0.1',
    log,
  });
  await server.load((app) => {
    app.on('issue_comment.created', async () => {});
  });
  await server.start();
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
