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
