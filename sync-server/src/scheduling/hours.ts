// Hours arithmetic (SCHED7): what the contract provides, what the provider has spent (held sessions, at
// their counted minutes), what the learner did on their own (never provider time), what remains.
import type { AccompanimentKind } from '@compagnon/model';

/** A bilan de compétences is capped at 24 hours with the provider (Code du travail, R6313-4). */
export const BILAN_CAP_MINUTES = 24 * 60;
/** From 22 hours on, the coach is warned that the bilan's cap is close. */
export const BILAN_WARNING_MINUTES = 22 * 60;
/** Below this share of the contracted hours left, the coach is warned. */
export const LOW_REMAINING_SHARE = 0.1;
export const NO_PHASE = 'Hors phase';

export interface HoursSummary {
  contractedMinutes: number;
  providerMinutes: number;
  personalMinutes: number;
  /** Contracted minus provider time, never below zero (an overrun is in the warning). */
  remainingMinutes: number;
  byPhase: { phase: string; minutes: number }[];
  capMinutes: number | null;
  warning: string | null;
}

/** `90` → « 1 h 30 », `120` → « 2 h », `45` → « 45 min ». */
export function formatMinutes(minutes: number): string {
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  const text = h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')}`;
  return minutes < 0 ? `−${text}` : text;
}

export function hoursSummary(input: {
  kind: AccompanimentKind;
  hoursBudget: number;
  held: readonly { countedMinutes: number; phase: string | null }[];
  personal: readonly { minutes: number }[];
}): HoursSummary {
  const contractedMinutes = Math.round(input.hoursBudget * 60);
  const providerMinutes = input.held.reduce((n, s) => n + s.countedMinutes, 0);
  const personalMinutes = input.personal.reduce((n, p) => n + p.minutes, 0);
  const byPhase: { phase: string; minutes: number }[] = [];
  for (const s of input.held) {
    const phase = s.phase ?? NO_PHASE;
    const entry = byPhase.find((p) => p.phase === phase);
    if (entry) entry.minutes += s.countedMinutes;
    else byPhase.push({ phase, minutes: s.countedMinutes });
  }
  const isBilan = input.kind === 'bilan';
  const remainingMinutes = Math.max(0, contractedMinutes - providerMinutes);
  let warning: string | null = null;
  if (isBilan && providerMinutes >= BILAN_WARNING_MINUTES)
    warning =
      `Bilan de compétences : ${formatMinutes(providerMinutes)} déjà comptées sur les 24 h maximum ` +
      '(Code du travail, R6313-4).';
  else if (contractedMinutes > 0 && providerMinutes > contractedMinutes)
    warning = `Les heures prévues sont dépassées de ${formatMinutes(providerMinutes - contractedMinutes)}.`;
  else if (contractedMinutes > 0 && remainingMinutes < contractedMinutes * LOW_REMAINING_SHARE)
    warning =
      `Il reste ${formatMinutes(remainingMinutes)} sur les ${formatMinutes(contractedMinutes)} prévues ` +
      '(moins de 10 %).';
  return {
    contractedMinutes,
    providerMinutes,
    personalMinutes,
    remainingMinutes,
    byPhase,
    capMinutes: isBilan ? BILAN_CAP_MINUTES : null,
    warning,
  };
}

/** Whether counting `minutes` more would take a bilan past its legal cap. */
export function exceedsBilanCap(kind: AccompanimentKind, providerMinutes: number, minutes: number): boolean {
  return kind === 'bilan' && providerMinutes + minutes > BILAN_CAP_MINUTES;
}
