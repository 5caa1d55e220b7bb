import { describe, expect, it } from 'vitest';
import { colorFromId } from './user-color.ts';

describe('colorFromId', () => {
  it('gives a 6-digit hex colour (y-prosemirror appends an alpha to it)', () => {
    for (const id of ['a', 'user-1', crypto.randomUUID(), ''])
      expect(colorFromId(id)).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('is stable for an id and differs between ids', () => {
    expect(colorFromId('claire')).toBe(colorFromId('claire'));
    expect(colorFromId('claire')).not.toBe(colorFromId('lea'));
  });

  it('is dark enough for white text', () => {
    for (let i = 0; i < 50; i++) {
      const hex = colorFromId(`user-${i}`);
      const [r, g, b] = [1, 3, 5].map((j) => parseInt(hex.slice(j, j + 2), 16) / 255);
      const lin = (c: number): number => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      const luminance = 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
      expect(1.05 / (luminance + 0.05) >= 3).toBe(true);
    }
  });
});
