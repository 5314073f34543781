import { describe, expect, test } from '@jest/globals';
import { Lifecycle, ShutdownStarted } from '../../src/lifecycle.js';

/** A lifecycle whose log lines the test can read. */
function lifecycle(timeoutMs = 1000) {
  const lines: string[] = [];
  const life = new Lifecycle();
  const log = {
    info: (a: object | string, b?: string) => void lines.push(typeof a === 'string' ? a : `${b} ${JSON.stringify(a)}`),
    error: (a: object, b: string) => void lines.push(`ERROR ${b} ${JSON.stringify(a)}`),
  };
  life.configure({ log, shutdownTimeoutMs: timeoutMs });
  return { life, lines };
}

const part = (events: string[], name: string, stopMs = 0) => async () => {
  events.push(`start ${name}`);
  return {
    value: name,
    stop: async () => {
      await new Promise((r) => setTimeout(r, stopMs));
      events.push(`stop ${name}`);
    },
  };
};

describe('Lifecycle', () => {
  test('stops what started, newest first, and exits with the given code', async () => {
    const { life } = lifecycle();
    const events: string[] = [];
    await life.step('database', part(events, 'database'));
    await life.step('migrations', async () => ({ value: 'no stop' }));
    await life.step('server', part(events, 'server'));
    expect(await life.shutdown('SIGTERM')).toBe(0);
    expect(events).toEqual(['start database', 'start server', 'stop server', 'stop database']);
  });

  test('nothing starts once shutdown began', async () => {
    const { life } = lifecycle();
    const events: string[] = [];
    await life.step('database', part(events, 'database'));
    const stopping = life.shutdown('SIGTERM');
    await expect(life.step('workers', part(events, 'workers'))).rejects.toBeInstanceOf(ShutdownStarted);
    expect(await stopping).toBe(0);
    expect(events).toEqual(['start database', 'stop database']);
  });

  test('a step under way when shutdown begins is let finish, then stopped; the sequence learns it must end', async () => {
    const { life } = lifecycle();
    const events: string[] = [];
    let release!: () => void;
    const starting = life.step('workers', async () => {
      events.push('start workers');
      await new Promise<void>((r) => (release = r));
      events.push('workers up');
      return { value: 1, stop: async () => void events.push('stop workers') };
    });
    await new Promise((r) => setImmediate(r));
    const stopping = life.shutdown('SIGTERM');
    release();
    await expect(starting).rejects.toBeInstanceOf(ShutdownStarted);
    expect(await stopping).toBe(0);
    expect(events).toEqual(['start workers', 'workers up', 'stop workers']);
  });

  test('shutdown before anything started resolves at once; called twice, it is the same shutdown', async () => {
    const { life, lines } = lifecycle();
    const first = life.shutdown('SIGTERM');
    expect(life.shutdown('SIGINT', 1)).toBe(first);
    expect(await first).toBe(0);
    expect(lines).toEqual([]);
  });

  test('a part that fails to stop is logged, the others still stop, and the exit code is 1', async () => {
    const { life, lines } = lifecycle();
    const events: string[] = [];
    await life.step('database', part(events, 'database'));
    await life.step('server', async () => ({ value: 0, stop: async () => Promise.reject(new Error('boom')) }));
    expect(await life.shutdown('SIGTERM')).toBe(1);
    expect(events).toEqual(['start database', 'stop database']);
    expect(lines.some((l) => l.startsWith('ERROR could not stop server'))).toBe(true);
  });

  test('out of time: the parts left are abandoned (even one still starting), and the exit code is 1', async () => {
    const { life, lines } = lifecycle(100);
    const abandoned: string[] = [];
    await life.step('database', async () => ({ value: 0, stop: async () => {}, abandon: () => void abandoned.push('database') }));
    void life
      .step('embedded', async (ctx) => {
        ctx.onAbandon(() => void abandoned.push('embedded'));
        await new Promise(() => {}); // never comes up
        return { value: 0 };
      })
      .catch(() => {});
    expect(await life.shutdown('SIGTERM')).toBe(1);
    expect(abandoned).toEqual(['embedded', 'database']);
    expect(lines.some((l) => l.startsWith('ERROR shutdown took too long'))).toBe(true);
  });

  test('a step that fails leaves nothing to stop behind it; the earlier ones are stopped', async () => {
    const { life } = lifecycle();
    const events: string[] = [];
    await life.step('database', part(events, 'database'));
    await expect(life.step('server', async () => Promise.reject(new Error('EADDRINUSE')))).rejects.toThrow('EADDRINUSE');
    expect(await life.shutdown('start-up failed', 1)).toBe(1);
    expect(events).toEqual(['start database', 'stop database']);
  });
});
