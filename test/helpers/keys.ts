import { generateKeyPairSync } from 'node:crypto';

let cached: string | undefined;

/** An RSA key for the test GitHub App (Probot signs its JWTs with it; nock never checks). */
export function testPrivateKey(): string {
  cached ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return cached;
}
