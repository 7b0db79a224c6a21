/**
 * The throughput-against-latency chart, written as SVG by hand (no dependency): one line per
 * series (p50 and p99 of the stack, p99 of the pass-through floor), x = uplinks per second
 * sent, y = latency in ms on a log scale (latencies span 1 ms to seconds); the sustained point
 * ringed and labelled.
 */

export interface Series {
  name: string;
  color: string;
  /** [uplinks per second, latency ms] */
  points: [number, number][];
  dashed?: boolean;
}

/** A point to ring and label (the sustained rate). */
export interface Mark {
  x: number;
  y: number;
  label: string;
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 170, top: 40, bottom: 50 };

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function throughputLatencySvg(
  title: string,
  mark: Mark | undefined,
  series: readonly Series[],
): string {
  const all = series
    .flatMap((entry) => entry.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y > 0);
  const maxX = niceCeiling(Math.max(1, ...all.map(([x]) => x)));
  const minY =
    10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(1000, ...all.map(([, y]) => y)))));
  const maxY = 10 ** Math.ceil(Math.log10(Math.max(minY * 10, ...all.map(([, y]) => y))));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (value: number) => MARGIN.left + (value / maxX) * plotW;
  const y = (value: number) =>
    MARGIN.top +
    plotH -
    ((Math.log10(value) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY))) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    // Read out by screen readers (and required by the linter).
    `<title>${escapeXml(`${title}: p99 latency against uplinks per second`)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const value = (maxX / 5) * i;
    parts.push(
      `<line x1="${x(value)}" y1="${MARGIN.top}" x2="${x(value)}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`,
      `<text x="${x(value)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${Math.round(value).toLocaleString("en-US")}</text>`,
    );
  }
  for (let decade = minY; decade <= maxY; decade *= 10) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(decade)}" x2="${MARGIN.left + plotW}" y2="${y(decade)}" stroke="#eee"/>`,
      `<text x="${MARGIN.left - 8}" y="${y(decade) + 4}" text-anchor="end">${decade >= 1 ? decade : decade.toFixed(1)} ms</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">unique uplinks per second sent (each heard by 3 gateways)</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">last reception → MQTT delivery</text>`,
  );
  series.forEach((entry, index) => {
    const points = entry.points.filter(
      ([px, py]) => Number.isFinite(px) && Number.isFinite(py) && py > 0,
    );
    const dash = entry.dashed ? ` stroke-dasharray="6 4"` : "";
    if (points.length > 0) {
      const path = points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(" ");
      parts.push(
        `<polyline points="${path}" fill="none" stroke="${entry.color}" stroke-width="2"${dash}/>`,
      );
      for (const [px, py] of points) {
        parts.push(
          `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${entry.color}"/>`,
        );
      }
    }
    const legendY = MARGIN.top + 10 + index * 20;
    const legendX = MARGIN.left + plotW + 12;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${entry.color}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(entry.name)}</text>`,
    );
  });
  if (mark && Number.isFinite(mark.x) && Number.isFinite(mark.y) && mark.y > 0) {
    const [mx, my] = [x(mark.x), y(mark.y)];
    // The label goes left of the ring when the point is in the right half of the plot.
    const left = mx > MARGIN.left + plotW / 2;
    parts.push(
      `<circle cx="${mx.toFixed(1)}" cy="${my.toFixed(1)}" r="8" fill="none" stroke="black" stroke-width="1.5"/>`,
      `<text x="${(mx + (left ? -12 : 12)).toFixed(1)}" y="${(my - 12).toFixed(1)}" text-anchor="${left ? "end" : "start"}">${escapeXml(mark.label)}</text>`,
    );
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** 1, 2 or 5 times a power of ten, at least `value`. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
