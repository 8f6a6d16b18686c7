import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../shared';

export interface HighlightPart {
  text: string;
  match: boolean;
}

/**
 * Splits a search snippet into plain and matching parts (matches between HIGHLIGHT_START and
 * HIGHLIGHT_END). The parts are rendered as text nodes and <mark> elements: never as HTML.
 * Unbalanced or stray markers are dropped.
 */
export function highlightParts(snippet: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let match = false;
  let buffer = '';
  const flush = () => {
    if (!buffer) return;
    const last = parts[parts.length - 1];
    if (last && last.match === match) last.text += buffer;
    else parts.push({ text: buffer, match });
    buffer = '';
  };
  for (const ch of snippet) {
    if (ch === HIGHLIGHT_START) {
      if (!match) {
        flush();
        match = true;
      }
    } else if (ch === HIGHLIGHT_END) {
      if (match) {
        flush();
        match = false;
      }
    } else buffer += ch;
  }
  flush();
  return parts;
}
