/**
 * The value of one series in Prometheus' text format, e.g. `seriesValue(text, 'x_total', { status: '200' })`;
 * undefined when the series is absent. Labels must match exactly (all of them, any order).
 */
export function seriesValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const series of parseSeries(text)) {
    if (series.name !== name) continue;
    const keys = Object.keys(series.labels);
    if (keys.length !== Object.keys(labels).length) continue;
    if (keys.every((key) => series.labels[key] === labels[key])) return series.value;
  }
  return undefined;
}

/** Every series of a metric with its labels, e.g. all `connector_cc_requests_total` by status. */
export function seriesOf(
  text: string,
  name: string,
): Array<{ labels: Record<string, string>; value: number }> {
  return parseSeries(text).filter((series) => series.name === name);
}

function parseSeries(text: string) {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`Not a Prometheus series line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[key!] = value!;
      }
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}
