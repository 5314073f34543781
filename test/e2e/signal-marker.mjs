// Preloaded (`--import`) into the server process by the signal tests, never by GitDone
// itself: it reports on stderr the moment the entry point installs its SIGTERM handler,
// so that a test can signal at random moments *after* that, rather than during Node's own
// bootstrap, when no JavaScript can catch a signal yet.
if (/dist[\\/]src[\\/]main\.js$/.test(process.argv[1] ?? '')) {
  for (const method of ['on', 'addListener', 'prependListener', 'once']) {
    const original = process[method];
    process[method] = function (event, listener) {
      if (event === 'SIGTERM' && !process.__gitdoneMarked) {
        process.__gitdoneMarked = true;
        process.stderr.write(`[e2e] SIGTERM handler installed pid=${process.pid}\n`);
      }
      return original.call(this, event, listener);
    };
  }
}
