// Entry point of `#lib`: what pages import most often.
export { getSession } from './managers/context.ts';
export { formatDate, formatDateTime, formatHours, kindLabel, statusLabel } from './i18n.ts';
