import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_REPORT_FONT, DEFAULT_REPORT_FONT_BOLD, settings } from '../config';
import { ExportError } from '../domain/export';

/**
 * Fonts embedded in reports. Event data can be Japanese, Chinese or Korean, so the body font must
 * cover CJK: Noto Sans CJK (OpenType/CFF in a TrueType collection, read by pdfkit's fontkit and
 * embedded as a subset). Set `REPORT_FONT` / `REPORT_FONT_BOLD` to a font file (`path` or
 * `path#PostScriptName` for a collection) to use another; otherwise the Debian `fonts-noto-cjk`
 * files are used. No fallback to a Latin-only font: a report that would print CJK names as empty
 * boxes is refused (`font_unavailable`) rather than delivered as evidence.
 *
 * Charts use Roboto (shipped with pdfmake): their labels are level and category names and dates.
 */

/** A font file, or a collection (`.ttc`) and the PostScript name of one face in it. */
export type FontSource = string | [string, string];

export interface ReportFonts {
  /** pdfmake font dictionary: `Body` (CJK-capable) and `Roboto` (charts). */
  dictionary: Record<string, { normal: FontSource; bold: FontSource; italics: FontSource; bolditalics: FontSource }>;
  /** Every file the fonts come from; pdfmake may read these and nothing else. */
  files: string[];
}

/**
 * The body faces from the parameters `REPORT_FONT` and `REPORT_FONT_BOLD`: an empty bold setting
 * means Noto CJK Bold beside the default regular face, and the regular face itself beside any
 * other (a font chosen without a bold face is used for both).
 */
export function bodyFontSpecs(regular: string, bold: string): { regular: string; bold: string } {
  const body = regular || DEFAULT_REPORT_FONT;
  if (bold) return { regular: body, bold };
  return { regular: body, bold: body === DEFAULT_REPORT_FONT ? DEFAULT_REPORT_FONT_BOLD : body };
}

function source(spec: string): FontSource {
  const hash = spec.lastIndexOf('#');
  return hash > 0 ? [spec.slice(0, hash), spec.slice(hash + 1)] : spec;
}

const fileOf = (s: FontSource) => (typeof s === 'string' ? s : s[0]);

let cached: ReportFonts | undefined;

/** The report fonts; `font_unavailable` when the CJK-capable body font is not installed. */
export function reportFonts(): ReportFonts {
  if (cached) return cached;
  const specs = bodyFontSpecs(settings.reportFont(), settings.reportFontBold());
  const regular = source(specs.regular);
  const bold = source(specs.bold);
  for (const s of [regular, bold]) {
    if (!existsSync(fileOf(s))) {
      throw new ExportError(
        'font_unavailable',
        `report font ${fileOf(s)} is not installed: install fonts-noto-cjk or set REPORT_FONT to a CJK-capable font`,
      );
    }
  }
  const roboto = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  const robotoRegular = join(roboto, 'Roboto-Regular.ttf');
  const robotoBold = join(roboto, 'Roboto-Medium.ttf');
  cached = {
    dictionary: {
      Body: { normal: regular, bold, italics: regular, bolditalics: bold },
      Roboto: { normal: robotoRegular, bold: robotoBold, italics: robotoRegular, bolditalics: robotoBold },
    },
    files: [fileOf(regular), fileOf(bold), robotoRegular, robotoBold],
  };
  return cached;
}
