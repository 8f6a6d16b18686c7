import { describe, expect, test } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../shared';
import { highlightParts } from './highlight';

const S = HIGHLIGHT_START;
const E = HIGHLIGHT_END;

describe('highlightParts', () => {
  test('splits the snippet into plain text and matches', () => {
    expect(highlightParts(`Arrêté de ${S}fermeture${E} des voies, ${S}Fermeture${E}`)).toEqual([
      { text: 'Arrêté de ', match: false },
      { text: 'fermeture', match: true },
      { text: ' des voies, ', match: false },
      { text: 'Fermeture', match: true },
    ]);
  });

  test('keeps HTML as text and drops stray markers', () => {
    expect(highlightParts(`<b>x</b> ${E}a${S}b${S}c`)).toEqual([
      { text: '<b>x</b> a', match: false },
      { text: 'bc', match: true },
    ]);
    expect(highlightParts('')).toEqual([]);
  });
});
