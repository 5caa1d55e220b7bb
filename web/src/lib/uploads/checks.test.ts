import { describe, expect, it } from 'vitest';
import { ACCEPT_ATTRIBUTE, MAX_UPLOAD_BYTES, checkFile, effectiveType } from './checks.ts';

describe('checkFile', () => {
  it('accepts PDF, images, text and office documents up to 10 MiB', () => {
    expect(checkFile({ name: 'cv.pdf', size: 1200, type: 'application/pdf' })).toBeNull();
    expect(checkFile({ name: 'photo.JPG', size: 1200, type: 'image/jpeg' })).toBeNull();
    expect(checkFile({ name: 'notes.txt', size: 3, type: 'text/plain' })).toBeNull();
    expect(
      checkFile({
        name: 'lettre.docx',
        size: MAX_UPLOAD_BYTES,
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      }),
    ).toBeNull();
    expect(checkFile({ name: 'lettre.odt', size: 10, type: '' })).toBeNull();
  });

  it('refuses a file over 10 MiB', () => {
    expect(checkFile({ name: 'scan.pdf', size: MAX_UPLOAD_BYTES + 1, type: 'application/pdf' })).toBe(
      'too_large',
    );
  });

  it('refuses an empty file', () => {
    expect(checkFile({ name: 'vide.pdf', size: 0, type: 'application/pdf' })).toBe('empty');
  });

  it('refuses other types, whatever their size', () => {
    expect(checkFile({ name: 'setup.exe', size: 10, type: 'application/x-msdownload' })).toBe('type');
    expect(checkFile({ name: 'logo.svg', size: 10, type: 'image/svg+xml' })).toBe('type');
    expect(
      checkFile({ name: 'budget.ods', size: 10, type: 'application/vnd.oasis.opendocument.spreadsheet' }),
    ).toBe('type');
    expect(checkFile({ name: 'page.html', size: MAX_UPLOAD_BYTES * 2, type: 'text/html' })).toBe('type');
    expect(checkFile({ name: 'sans-extension', size: 10, type: '' })).toBe('type');
  });
});

describe('effectiveType', () => {
  it("keeps the browser's type when accepted, else infers it from the extension", () => {
    expect(effectiveType('cv.pdf', 'application/pdf')).toBe('application/pdf');
    expect(effectiveType('Notes.MD', '')).toBe('text/markdown');
    expect(effectiveType('tableau.xlsx', 'application/octet-stream')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(effectiveType('a.txt', 'text/plain;charset=utf-8')).toBe('text/plain');
  });

  it('lists extensions and types for the file picker', () => {
    expect(ACCEPT_ATTRIBUTE).toContain('.pdf');
    expect(ACCEPT_ATTRIBUTE).toContain('application/pdf');
  });
});
