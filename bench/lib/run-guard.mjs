/**
 * Bounds a bench run: on Ctrl-C or SIGTERM, and when `budgetSeconds` have
 * passed, `cleanUp()` runs (stop the processes started, remove their files)
 * and the bench exits, so no run outlives its budget or leaves a process
 * behind. Call the returned `release()` when the bench ends normally.
 * @param {object} options
 * @param {string} options.name
 * @param {number} options.budgetSeconds
 * @param {() => Promise<unknown>} options.cleanUp
 * @returns {() => void}
 */
export function guardRun({ name, budgetSeconds, cleanUp }) {
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    process.stderr.write(`\n${signal}: stopping what ${name} started\n`);
    cleanUp().finally(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, onSignal);
  const watchdog = setTimeout(() => {
    process.stderr.write(`${name}: watchdog expired, aborting\n`);
    cleanUp().finally(() => process.exit(1));
  }, budgetSeconds * 1000);
  watchdog.unref();
  return () => {
    clearTimeout(watchdog);
    for (const signal of ['SIGINT', 'SIGTERM']) process.off(signal, onSignal);
  };
}
