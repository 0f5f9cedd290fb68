import { describe, expect, it } from 'vitest';
import { Redactor } from './redact';

// A producer, a change-captured document or any member writing the outbox controls the text
// that the redaction patterns scan, up to the 256 KiB event limit. Each pattern must take time
// linear in that text: the worst input of a pattern is timed against benign text of the same
// size that reaches the same pattern, both measured in this run, so no absolute threshold is
// needed and a slow machine slows both alike.
const SIZE = 256 * 1024;
// Linear matching keeps the worst input within a small constant of the benign one; quadratic
// matching of 256 KiB is thousands of times slower. The factor leaves room for noise.
const MAX_RATIO = 10;
const SAMPLES = 5;

/** `unit` repeated, then cut, to exactly `SIZE` characters. */
function fill(unit: string, prefix = ''): string {
  const body = unit.repeat(Math.ceil((SIZE - prefix.length) / unit.length));
  return (prefix + body).slice(0, SIZE);
}

function redactOnce(text: string): unknown {
  return new Redactor({ extraKeys: [], maskEmails: true }).redact({ note: text }, 'metadata');
}

/** Median duration in milliseconds of redacting `text`, after one warm-up run. */
function medianMillis(text: string): number {
  redactOnce(text);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = process.hrtime.bigint();
    redactOnce(text);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(SAMPLES / 2)] ?? 0;
}

interface PatternCase {
  pattern: string;
  /** Ordinary text of the same size that makes the pattern work (and match). */
  benign: string;
  /** Inputs built to make a backtracking matcher try many starts and long extents. */
  hostile: Record<string, string>;
}

const CASES: PatternCase[] = [
  {
    pattern: 'email',
    benign: fill('write to jane.doe+ops@example.co.uk or bob@corp.test about the invoice. '),
    hostile: {
      'one "@" then a domain without a dot': fill('a', 'x@'),
      'a local part without an "@" after it, then one "@"': `${fill('a').slice(0, SIZE - 1)}@`,
      'dots and letters after one "@"': fill('a.', 'x@'),
      'digit labels after one "@"': fill('1.', 'x@'),
      'many "@" in one word': fill('a@'),
      'many short addresses without a top-level domain': fill('a@b.c'),
      'dashes after one "@"': fill('-', 'x@'),
    },
  },
  {
    pattern: 'bearer and basic credentials',
    benign: fill('sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_x then Basic dXNlcjpwYXNz ok. '),
    hostile: {
      'one endless bearer token': fill('A', 'Bearer '),
      'one endless basic credential': fill('A', 'Basic '),
      'a scheme then only white space': `${fill(' ', 'Bearer').slice(0, SIZE - 1)}x`,
      'schemes back to back': fill('Basic '),
      'a token of padding': fill('=', 'Bearer a'),
    },
  },
  {
    pattern: 'card numbers',
    benign: fill('paid with 4111 1111 1111 1111 and 5555-5555-5555-4444 on order 8812; '),
    hostile: {
      'one endless digit run': fill('4'),
      // Four digits in a row first, or the quick test turns the text away before the pattern.
      'digits separated by spaces': fill('4 ', '4444 '),
      'digits separated by dashes': fill('4-', '4444 '),
      'groups of three digits': fill('411 ', '4444 '),
      'runs of twelve digits': fill('411111111111 '),
      'runs of twenty digits': fill('41111111111111111111 '),
    },
  },
];

describe('Redactor: time linear in the input for every pattern', () => {
  for (const { pattern, benign, hostile } of CASES) {
    it(`${pattern}: the worst 256 KiB input takes at most ${MAX_RATIO}x benign text of the same size`, () => {
      expect(benign).toHaveLength(SIZE);
      const baseline = medianMillis(benign);
      const ratios: Record<string, number> = {};
      for (const [name, text] of Object.entries(hostile)) {
        expect(text).toHaveLength(SIZE);
        ratios[name] = Math.round((medianMillis(text) / baseline) * 10) / 10;
      }
      const worst = Math.max(...Object.values(ratios));
      expect(worst, `benign ${baseline.toFixed(2)} ms; ratios ${JSON.stringify(ratios)}`).toBeLessThanOrEqual(
        MAX_RATIO,
      );
    });
  }
});
