import { createPrivateKey } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { getPrivateKey } from '@probot/get-private-key';

/**
 * The GitHub App's private key, in every form Probot accepts (its own get-private-key, so
 * the two never disagree): PRIVATE_KEY as PEM text (real newlines or `\n`) or as base64 of
 * the PEM; PRIVATE_KEY_PATH to a .pem file; or else the one `*.pem` file in the working
 * directory. Unlike Probot, a key that is given but unusable is an error naming where it
 * came from, never a silent fall into setup mode.
 */
export interface AppKey {
  pem: string;
  /** Where it came from, for messages: "PRIVATE_KEY", "PRIVATE_KEY_PATH", or the .pem file found. */
  source: string;
}

export type KeyResult = { key: AppKey | undefined; problems: string[] };

/** `label(name)` names a variable in messages (adding "(from .env)" when it came from there). */
export function readAppKey(env: Record<string, string | undefined>, cwd: string, label: (name: string) => string): KeyResult {
  const inline = env.PRIVATE_KEY || undefined;
  const file = env.PRIVATE_KEY_PATH || undefined;
  if (inline && file) {
    return { key: undefined, problems: [`both ${label('PRIVATE_KEY')} and ${label('PRIVATE_KEY_PATH')} are set; set only one (Probot would silently use PRIVATE_KEY).`] };
  }
  const source = inline ? 'PRIVATE_KEY' : file ? 'PRIVATE_KEY_PATH' : 'a .pem file in the working directory';
  let pem: string | null;
  try {
    pem = getPrivateKey({ env: { PRIVATE_KEY: inline, PRIVATE_KEY_PATH: file }, cwd });
  } catch (err) {
    return { key: undefined, problems: [unreadable(inline, file, cwd, err, label)] };
  }
  if (pem === null) return { key: undefined, problems: [] };
  const discovered = !inline && !file ? path.join(cwd, findPemName(cwd) ?? '*.pem') : undefined;
  const from = discovered ?? label(source);
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') {
      return { key: undefined, problems: [`${from} holds a ${key.asymmetricKeyType} key; a GitHub App's private key is RSA (download a new one from the app's settings).`] };
    }
  } catch (err) {
    return { key: undefined, problems: [`${from} does not hold a usable private key (${(err as Error).message}). ${hint(inline)}`] };
  }
  return { key: { pem, source: discovered ?? source }, problems: [] };
}

function unreadable(inline: string | undefined, file: string | undefined, cwd: string, err: unknown, label: (name: string) => string): string {
  if (inline) return `${label('PRIVATE_KEY')} is not a private key. ${hint(inline)}`;
  if (file) {
    const resolved = path.resolve(cwd, file);
    const code = (err as { code?: string }).code;
    const why = code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'cannot be read by this user' : code ? `cannot be read (${code})` : 'does not exist';
    return `${label('PRIVATE_KEY_PATH')} points to ${resolved}, which ${why}.`;
  }
  // Neither set: Probot looked for *.pem in the working directory and found several.
  return `${(err as Error).message.replace(/^\[@probot\/get-private-key\] /, '')} (looked in ${cwd})`;
}

function hint(inline: string | undefined): string {
  if (inline && /^\s*["']/.test(inline)) {
    return (
      'It is wrapped in quotes, as the setup page writes it into .env: `docker run --env-file` passes quotes on literally. ' +
      'Give the key as a file (mount it and set PRIVATE_KEY_PATH) or base64-encoded on one line (PRIVATE_KEY=$(base64 -w0 key.pem)).'
    );
  }
  return 'Expected the .pem file\'s text ("-----BEGIN RSA PRIVATE KEY-----" …, newlines as real newlines or \\n), the same base64-encoded on one line, or PRIVATE_KEY_PATH pointing to the file.';
}

/** The file Probot's search found (it takes the only `*.pem`), to name it in messages. */
function findPemName(cwd: string): string | undefined {
  try {
    return readdirSync(cwd).find((f) => f.endsWith('.pem'));
  } catch {
    return undefined;
  }
}
