import { describe, expect, it } from 'vitest';
import { shiftCaret } from './caret.ts';

describe('shiftCaret', () => {
  it('keeps the caret when the change is after it', () => {
    expect(shiftCaret('Bonjour', 'Bonjour Léa', 3)).toBe(3);
  });

  it('follows the text when the change is before it', () => {
    expect(shiftCaret('jour', 'Bonjour', 4)).toBe(7);
    expect(shiftCaret('Bonjour Léa', 'Léa', 11)).toBe(3);
  });

  it('stays within the new text', () => {
    expect(shiftCaret('abcdef', 'ab', 5)).toBe(2);
  });
});
