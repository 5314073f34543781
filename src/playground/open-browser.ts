import { spawn } from 'node:child_process';
import type { Logger } from 'pino';

/**
 * Opens `url` in the desktop's browser, best effort: only from a terminal (never in CI or
 * under a test), and a missing opener is only logged.
 */
export function openInBrowser(url: string, log: Logger): void {
  if (!process.stdout.isTTY) return;
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
    child.once('error', () => log.debug({ command }, 'could not open a browser'));
    child.unref();
  } catch {
    log.debug({ command }, 'could not open a browser');
  }
}
