/**
 * DuckDB 1.5's VARCHAR → DECIMAL(38,18) cast costs about 1.5 µs per integer digit of the value (its overflow check
 * divides 128-bit integers), so '1234.5' takes ~6 µs while '0.5' takes 0.2 µs: on a CUR with usage amounts in the
 * thousands that one cast dominates the whole conversion. Values with few digits parse exactly through the 64-bit
 * DECIMAL(18,s) cast (no rounding: the fractional digits fit the scale) and widen exactly to DECIMAL(38,18).
 *
 * `fastDecimalCasts` rewrites `CAST(<column reference> AS DECIMAL(38,18))` in a conversion or totals SQL into that
 * fast path. Semantics are unchanged: non-VARCHAR inputs (parquet DOUBLE/DECIMAL, JSON) and every string outside the
 * two strict patterns (exponents, blanks, '+', long digits, garbage) still go through the original cast, so results,
 * NULLs and "Could not convert string" errors are exactly those of the original SQL. TRY_CAST and `::` are left alone.
 */

const TARGET = /^DECIMAL\s*\(\s*38\s*,\s*18\s*\)$/i;
/** A column or struct-field reference: `x`, `t."a/b"`, `r.cost`. Keywords and literals never match (checked below). */
const REFERENCE = /^(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*))*$/;
const KEYWORDS = new Set(['null', 'true', 'false']);

export function fastDecimalExpression(ref: string): string {
  const text = `CAST(${ref} AS VARCHAR)`;
  return (
    `CAST(CASE WHEN typeof(${ref}) <> 'VARCHAR' THEN CAST(${ref} AS DECIMAL(38,18)) ` +
    // Up to 8 integer and 10 fractional digits first: CUR amounts carry 8-10 decimals, so one regex settles most values.
    `WHEN regexp_full_match(${text}, '-?[0-9]{1,8}(\\.[0-9]{1,10})?') THEN CAST(${text} AS DECIMAL(18,10)) ` +
    `WHEN regexp_full_match(${text}, '-?[0-9]{1,12}(\\.[0-9]{1,6})?') THEN CAST(${text} AS DECIMAL(18,6)) ` +
    `ELSE CAST(${ref} AS DECIMAL(38,18)) END AS DECIMAL(38,18))`
  );
}

/** Index just past the quoted run or comment starting at `i`, or `i` when none starts there. */
function skipQuotedOrComment(sql: string, i: number): number {
  const ch = sql[i];
  if (ch === "'" || ch === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === ch) {
        if (sql[j + 1] === ch) j += 2;
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (ch === '-' && sql[i + 1] === '-') {
    const nl = sql.indexOf('\n', i);
    return nl < 0 ? sql.length : nl;
  }
  if (ch === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

/** Index of the ')' closing the '(' at `open`, or -1. */
function matchingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; ) {
    const skipped = skipQuotedOrComment(sql, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && --depth === 0) return i;
    i++;
  }
  return -1;
}

/** Splits `expr AS type` at its last top-level AS. */
function splitCast(inner: string): { expr: string; type: string } | null {
  let depth = 0;
  let lastAs = -1;
  for (let i = 0; i < inner.length; ) {
    const skipped = skipQuotedOrComment(inner, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const ch = inner[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /\s/.test(ch ?? '') && /^\s+AS\s/i.test(inner.slice(i))) lastAs = i;
    i++;
  }
  if (lastAs < 0) return null;
  const m = /^\s+AS\s+/i.exec(inner.slice(lastAs));
  return { expr: inner.slice(0, lastAs).trim(), type: inner.slice(lastAs + (m?.[0].length ?? 0)).trim() };
}

export function fastDecimalCasts(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const skipped = skipQuotedOrComment(sql, i);
    if (skipped !== i) {
      out += sql.slice(i, skipped);
      i = skipped;
      continue;
    }
    const isCast = /^CAST\s*\(/i.test(sql.slice(i, i + 12)) && !/[A-Za-z0-9_.]/.test(sql[i - 1] ?? ' ');
    if (isCast) {
      const open = sql.indexOf('(', i);
      const close = matchingParen(sql, open);
      const parts = close > 0 ? splitCast(sql.slice(open + 1, close)) : null;
      if (parts && TARGET.test(parts.type) && REFERENCE.test(parts.expr) && !KEYWORDS.has(parts.expr.toLowerCase())) {
        out += fastDecimalExpression(parts.expr);
        i = close + 1;
        continue;
      }
    }
    out += sql[i];
    i++;
  }
  return out;
}
