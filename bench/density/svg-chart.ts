// A line chart as a standalone SVG file, small enough to read: series of (x, y) points on shared axes.

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 60, right: 20, top: 40, bottom: 50 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value)!;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const xMax = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[0]))));
  const yMax = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1]))));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (v: number): number => MARGIN.left + (v / xMax) * plotW;
  const y = (v: number): number => MARGIN.top + plotH - (v / yMax) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const xv = (xMax * i) / 5;
    const yv = (yMax * i) / 5;
    parts.push(
      `<line x1="${x(xv)}" y1="${MARGIN.top}" x2="${x(xv)}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`,
      `<text x="${x(xv)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${+xv.toFixed(2)}</text>`,
      `<line x1="${MARGIN.left}" y1="${y(yv)}" x2="${MARGIN.left + plotW}" y2="${y(yv)}" stroke="#eee"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(yv) + 4}" text-anchor="end">${+yv.toFixed(2)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">${escape(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const path = s.points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${path}"/>`,
      `<rect x="${MARGIN.left + 10}" y="${MARGIN.top + 8 + i * 18}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${MARGIN.left + 28}" y="${MARGIN.top + 18 + i * 18}">${escape(s.label)}</text>`,
    );
  });
  parts.push('</svg>\n');
  return parts.join('\n');
}
