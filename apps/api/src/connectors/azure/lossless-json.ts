/**
 * JSON.parse that keeps every number as the exact text the server sent. ARM sends costs and prices as JSON numbers
 * with up to 16+ significant digits; JSON.parse would round them to doubles before any decimal code could see them.
 */
export type LosslessValue = string | boolean | null | LosslessValue[] | { [key: string]: LosslessValue };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Quotes every number token outside strings, then parses: numbers come back as their source text. */
export function parseJsonLossless(text: string): LosslessValue {
  let out = '';
  let last = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      // Skip the string, honouring escapes.
      i += 1;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i += 1;
      continue;
    }
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (!match) throw new SyntaxError(`Invalid number in JSON at position ${i}`);
      out += `${text.slice(last, i)}"${match[0]}"`;
      i += match[0].length;
      last = i;
      continue;
    }
    i += 1;
  }
  return JSON.parse(out + text.slice(last)) as LosslessValue;
}
