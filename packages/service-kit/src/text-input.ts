import { badInput } from './errors';

// NUL, escape sequences and line breaks have no place in a name shown on a page, in a terminal or in a log line.
const controlCharacter = /\p{Cc}/u;

/** Returns `text` unless it holds a control character, which is refused as bad input of `argument`. */
export function refuseControlCharacters(argument: string, text: string): string {
  if (controlCharacter.test(text)) throw badInput(argument, 'must not contain control characters');
  return text;
}
