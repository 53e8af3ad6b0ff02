// Preloaded into an RTC child that writes a CPU profile (node --import). Apollo Server stops itself on SIGINT/SIGTERM
// and then raises the signal again; by then the launcher's own handler has fired once, so nothing is left to catch
// it and the process dies mid-shutdown, and node writes a --cpu-prof profile only on a real exit. This listener
// outlives them: the first signal goes to the launcher when it has a handler, repeats are ignored (the launcher then
// exits, at the latest when its shutdown times out), and before the launcher has one (while it migrates or seeds)
// the signal ends the process at once.
const signalNumbers = { SIGINT: 2, SIGTERM: 15 } as const;
let launcherHandles = false;

for (const [signal, number] of Object.entries(signalNumbers)) {
  process.on(signal, () => {
    if (launcherHandles) return;
    if (process.listenerCount(signal) > 1) {
      launcherHandles = true;
      return;
    }
    process.exit(128 + number);
  });
}
