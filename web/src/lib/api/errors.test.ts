import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, errorFromBody, isUnavailable } from './errors.ts';

describe('errorFromBody', () => {
  it("reads the server's French message", () => {
    expect(errorFromBody({ error: 'Un bilan de compétences ne peut dépasser 24 heures.' })).toBe(
      'Un bilan de compétences ne peut dépasser 24 heures.',
    );
    expect(errorFromBody({ error: { message: 'Adresse déjà utilisée.' } })).toBe('Adresse déjà utilisée.');
  });

  it('returns null when there is no usable message', () => {
    expect(errorFromBody(undefined)).toBeNull();
    expect(errorFromBody({ error: '  ' })).toBeNull();
    expect(errorFromBody('texte')).toBeNull();
  });
});

describe('isUnavailable', () => {
  it('is true for network failures and server errors only', () => {
    expect(isUnavailable(new NetworkError('x'))).toBe(true);
    expect(isUnavailable(new ApiError(503, 'x'))).toBe(true);
    expect(isUnavailable(new ApiError(401, 'x'))).toBe(false);
    expect(isUnavailable(new ApiError(422, 'x'))).toBe(false);
    expect(isUnavailable(new Error('x'))).toBe(false);
  });
});
