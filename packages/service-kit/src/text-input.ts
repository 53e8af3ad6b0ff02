import { badInput } from './errors';

// C0/C1 controls and DEL (NUL, ESC for terminal escapes, ...), and the bidi overrides that make text read backwards:
// stored names reach dashboards, logs and e-mails, where these characters hide or forge what staff see.
const controlOrBidi = /(?![\n\r\t])\p{Cc}|[\u202A-\u202E\u2066-\u2069]/u;
const lineBreakOrTab = /[\n\r\t]/;

export interface PlainTextOptions {
  /** Longer texts (descriptions) may hold line breaks and tabs; names and reasons may not. */
  readonly multiline?: boolean;
}

/** Refuses control characters in text that will be stored and shown to others; returns the text unchanged. */
export function refuseControlCharacters(argument: string, text: string, { multiline = false }: PlainTextOptions = {}): string {
  if (controlOrBidi.test(text) || (!multiline && lineBreakOrTab.test(text))) {
    throw badInput(
      argument,
      multiline ? 'must not contain control characters other than line breaks and tabs' : 'must not contain control characters or line breaks',
    );
  }
  return text;
}
