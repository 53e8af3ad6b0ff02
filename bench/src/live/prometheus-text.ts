/** The value of one sample in Prometheus text output, e.g. `rtc_gateway_subscriptions{field="salesTicks"}`; 0 when absent. */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    const matches = Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`));
    if (!matches) continue;
    total += Number(match[3]);
    found = true;
  }
  return found ? total : 0;
}

export async function scrape(metricsUrl: string): Promise<string> {
  const response = await fetch(metricsUrl);
  return response.text();
}
