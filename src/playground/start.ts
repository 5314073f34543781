import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { configure, reportFailure } from '../configure.js';
import { applicationName } from '../jobs/reaper.js';
import type { Lifecycle } from '../lifecycle.js';
import { startDatabase } from '../start-database.js';
import { startGitDone } from '../startup.js';
import { webhookSender } from './deliver.js';
import { playgroundEnvironment } from './environment.js';
import { startFakeGitHub } from './fake-github.js';
import { emptyDatabase } from './fresh-data.js';
import { Playground } from './issue.js';
import { openInBrowser } from './open-browser.js';
import { playgroundRoutes } from './routes.js';

/** The stand-in App's id: any number will do, as long as the stand-in GitHub says the same. */
const APP_ID = 1;
const INSTALLATION_ID = 1;

/**
 * The playground's start-up: the stand-in GitHub, a made-up App (a fresh RSA key and webhook
 * secret), then `npm start`'s own stages (configure → database → startGitDone) with these
 * settings in the environment, plus the playground's routes. Nothing here forks GitDone's
 * start-up: what runs is what `npm start` runs, talking to a different GitHub.
 */
export async function startPlayground(life: Lifecycle, o: { open: boolean }): Promise<void> {
  const github = await life.step('stand-in GitHub', async () => {
    const started = await startFakeGitHub();
    return { value: started, stop: () => started.close() };
  });
  github.appId = APP_ID;
  github.maxRequests = 500;
  const webhookSecret = randomBytes(32).toString('hex');
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  Object.assign(process.env, playgroundEnvironment(process.env, { githubHost: github.host, appId: APP_ID, privateKey, webhookSecret }));

  const { config, log } = await configure(life, { needsApp: true });
  const database = await startDatabase(life, config, log, { applicationName: applicationName() });
  try {
    await emptyDatabase(config, database, log);
  } catch (err) {
    throw reportFailure(err, log);
  }

  const url = `http://localhost:${config.port}/playground`;
  github.webUrl = url; // links to "GitHub" in GitDone's replies lead back to the page
  const playground = new Playground(
    github,
    { webUrl: `http://${github.host}`, apiUrl: github.baseUrl, installationId: INSTALLATION_ID },
    webhookSender({ url: `http://127.0.0.1:${config.port}${config.probot.webhookPath ?? '/api/github/webhooks'}`, secret: webhookSecret, appId: APP_ID }),
  );
  await startGitDone(life, config, log, database, {
    routes: [playgroundRoutes({ playground, port: config.port, publicUrl: config.publicUrl })],
  });
  log.info({ url }, `GitDone playground: open ${url}`);
  if (o.open) openInBrowser(url, log);
}
