import { randomUUID } from 'node:crypto';
import net from 'node:net';

/**
 * A webhook POST written on a bare socket (no HTTP client to buffer the body, nothing for
 * nock to intercept): the headers, then `megabytes` of body for as long as the server
 * reads. Resolves with the status the server answers, however early it answers.
 */
export function rawPost(port: number, headers: Record<string, string>, megabytes: number, path = '/api/github/webhooks'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (m) {
        resolve(Number(m[1]));
        socket.destroy();
      }
    });
    socket.on('error', () => {}); // the server hangs up once it has answered: expected
    socket.on('close', () => reject(new Error(`closed without an answer: ${JSON.stringify(answer.slice(0, 200))}`)));
    const chunked = headers['transfer-encoding'] === 'chunked';
    const head = Object.entries({
      host: '127.0.0.1',
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      ...headers,
    })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
    const mb = Buffer.alloc(1024 * 1024, 'a');
    const frame = chunked ? Buffer.concat([Buffer.from(`${mb.length.toString(16)}\r\n`), mb, Buffer.from('\r\n')]) : mb;
    let sent = 0;
    const pump = () => {
      while (sent < megabytes && !socket.destroyed) {
        sent++;
        if (!socket.write(frame)) return void socket.once('drain', pump);
      }
      if (chunked && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    pump();
  });
}
