import type { Content, TableCell } from 'pdfmake/interfaces';

// Building blocks shared by the PDFs of the audit log (compliance reports, subject access summaries).

/** Secondary text. */
export const GREY = '#666666';

/** An ISO instant as `YYYY-MM-DD HH:MM:SS` (UTC). */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A light table with a header row, or an italic line when it has no rows. */
export function table(headers: string[], rows: TableCell[][], widths: Array<string | number>, empty: string): Content {
  if (rows.length === 0) return { text: empty, italics: true, color: GREY, margin: [0, 2, 0, 10] };
  return {
    table: {
      headerRows: 1,
      widths,
      body: [headers.map((h) => ({ text: h, bold: true, fillColor: '#eef1f6' })), ...rows],
      dontBreakRows: true,
    },
    layout: 'lightHorizontalLines',
    fontSize: 7.5,
    margin: [0, 2, 0, 12],
  };
}

/** A section heading. */
export const heading = (text: string): Content => ({ text, style: 'h2' });

/** Figures as a grid of big numbers over their labels, `columns` a row. */
export function figureGrid(
  figures: ReadonlyArray<{ label: string; value: string }>,
  columns: number,
  fontSize: number,
): Content {
  const cells = figures.map((f) => ({
    stack: [
      { text: f.value, fontSize, bold: true },
      { text: f.label, fontSize: 8, color: GREY },
    ],
    margin: [4, 4, 4, 4] as [number, number, number, number],
  }));
  const rows: Content[][] = [];
  for (let i = 0; i < cells.length; i += columns) {
    const row: Content[] = cells.slice(i, i + columns);
    while (row.length < columns) row.push({ text: '' });
    rows.push(row);
  }
  return {
    table: { widths: rows[0]?.map(() => '*') ?? ['*'], body: rows },
    layout: 'noBorders',
    margin: [0, 0, 0, 12],
  };
}
