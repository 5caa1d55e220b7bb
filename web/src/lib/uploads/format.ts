// Sizes as people read them, in the current language ("1,2 Mo" in French, "1.2 MB" in English).
import { intlLocale } from '../i18n.ts';

export function formatFileSize(bytes: number): string {
  const locale = intlLocale();
  const [value, unit] =
    bytes >= 1024 * 1024
      ? [bytes / (1024 * 1024), 'megabyte']
      : bytes >= 1024
        ? [bytes / 1024, 'kilobyte']
        : [bytes, 'byte'];
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}
