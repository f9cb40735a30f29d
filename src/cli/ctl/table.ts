// etcdctl's -w table: an ASCII grid with upper-case, centred headers and right-aligned cells.

function center(text: string, width: number): string {
  const gap = width - [...text].length;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + text + ' '.repeat(gap - left);
}

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  const line = (cells: readonly string[]) => `|${cells.map((c) => ` ${c} `).join('|')}|\n`;
  let out = border + line(header.map((h, i) => center(h.toUpperCase(), widths[i]!))) + border;
  for (const row of rows) out += line(row.map((c, i) => c.padStart(widths[i]!)));
  return out + border;
}
