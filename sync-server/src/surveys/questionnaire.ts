// The satisfaction questionnaire (Qualiopi indicator 30, SURVEY1): one fixed definition in French, the
// validation of an answer and the aggregation of many. Pure functions: storage and routes live elsewhere.

export const SURVEY_KINDS = ['end', 'follow-up'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

export const isSurveyKind = (value: unknown): value is SurveyKind =>
  typeof value === 'string' && (SURVEY_KINDS as readonly string[]).includes(value);

export const SURVEY_KIND_LABELS: Record<SurveyKind, string> = {
  end: 'fin d’accompagnement',
  'follow-up': 'suivi à distance',
};

export const COMMENT_MAX = 2000;

export type QuestionType = 'scale' | 'yes-no' | 'text';

export interface Question {
  id: string;
  type: QuestionType;
  label: string;
  required: boolean;
  /** scale: the words at both ends of 1–5. */
  minLabel?: string;
  maxLabel?: string;
  /** text: at most this many characters. */
  maxLength?: number;
}

/** Bumped whenever a question changes, so that stored answers keep saying which questions they answer. */
export const QUESTIONNAIRE_VERSION = 1;

export const QUESTIONS: readonly Question[] = [
  {
    id: 'satisfaction',
    type: 'scale',
    label: 'Dans l’ensemble, êtes-vous satisfait·e de votre accompagnement ?',
    required: true,
    minLabel: 'Pas du tout satisfait·e',
    maxLabel: 'Très satisfait·e',
  },
  {
    id: 'objectives',
    type: 'scale',
    label: 'Dans quelle mesure vos objectifs ont-ils été atteints ?',
    required: true,
    minLabel: 'Pas du tout',
    maxLabel: 'Entièrement',
  },
  {
    id: 'listening',
    type: 'scale',
    label: 'Comment jugez-vous la qualité d’écoute de la personne qui vous a accompagné·e ?',
    required: true,
    minLabel: 'Très insuffisante',
    maxLabel: 'Excellente',
  },
  {
    id: 'recommend',
    type: 'yes-no',
    label: 'Recommanderiez-vous cet accompagnement à une personne de votre entourage ?',
    required: true,
  },
  {
    id: 'comment',
    type: 'text',
    label: 'Un commentaire, une suggestion ? (facultatif)',
    required: false,
    maxLength: COMMENT_MAX,
  },
];

export const SCALE_MIN = 1;
export const SCALE_MAX = 5;

/** A validated answer: one 1–5 note per scale, a yes/no, and a comment (null when left empty). */
export type SurveyAnswers = Record<string, number | boolean | string | null>;

export type ValidationResult =
  | { ok: true; answers: SurveyAnswers }
  | { ok: false; error: string; details: { path: string; message: string }[] };

const shortLabel: Record<string, string> = {
  satisfaction: 'satisfaction globale',
  objectives: 'objectifs atteints',
  listening: 'qualité d’écoute',
  recommend: 'recommandation',
  comment: 'commentaire',
};

/**
 * Checks `{answers}` against the questionnaire: every required question answered with a value of its type,
 * no unknown question, a comment of at most 2000 characters (trimmed; empty means none). French messages.
 */
export function validateAnswers(input: unknown): ValidationResult {
  const details: { path: string; message: string }[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return {
      ok: false,
      error: 'Réponses attendues : un objet { "satisfaction": 1 à 5, … }.',
      details: [{ path: 'answers', message: 'objet attendu' }],
    };
  const given = input as Record<string, unknown>;
  const answers: SurveyAnswers = {};
  for (const key of Object.keys(given))
    if (!QUESTIONS.some((q) => q.id === key))
      details.push({ path: `answers.${key}`, message: 'question inconnue' });
  for (const q of QUESTIONS) {
    const value = given[q.id];
    const path = `answers.${q.id}`;
    if (q.type === 'scale') {
      if (value === undefined || value === null)
        details.push({ path, message: `réponse obligatoire (note de ${SCALE_MIN} à ${SCALE_MAX})` });
      else if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < SCALE_MIN ||
        value > SCALE_MAX
      )
        details.push({ path, message: `note entière de ${SCALE_MIN} à ${SCALE_MAX} attendue` });
      else answers[q.id] = value;
    } else if (q.type === 'yes-no') {
      if (value === undefined || value === null)
        details.push({ path, message: 'réponse obligatoire (oui ou non)' });
      else if (typeof value !== 'boolean')
        details.push({ path, message: 'oui ou non attendu (true ou false)' });
      else answers[q.id] = value;
    } else {
      if (value === undefined || value === null) answers[q.id] = null;
      else if (typeof value !== 'string') details.push({ path, message: 'texte attendu' });
      else if (value.trim().length > (q.maxLength ?? COMMENT_MAX))
        details.push({ path, message: `au plus ${q.maxLength ?? COMMENT_MAX} caractères` });
      else answers[q.id] = value.trim() === '' ? null : value.trim();
    }
  }
  if (details.length > 0) {
    const summary = details
      .map((d) => {
        const key = d.path.replace(/^answers\./, '');
        return `${shortLabel[key] ?? key} : ${d.message}`;
      })
      .join(' ; ');
    return { ok: false, error: `Réponses incomplètes ou invalides — ${summary}.`, details };
  }
  return { ok: true, answers };
}

export interface QuestionResult {
  id: string;
  label: string;
  type: QuestionType;
  /** How many responses answer it. */
  answered: number;
  /** scale: the mean note (1–5, two decimals); yes-no: the share of « oui » (0–1); text: null. */
  average: number | null;
  /** scale: one entry per note 1…5; yes-no: « yes » then « no »; text: none. */
  distribution: { value: number | 'yes' | 'no'; count: number }[];
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** The results of each question over stored answers (unknown or malformed values are left out). */
export function aggregate(all: readonly Record<string, unknown>[]): QuestionResult[] {
  return QUESTIONS.map((q) => {
    const values = all.map((a) => a[q.id]);
    if (q.type === 'scale') {
      const notes = values.filter(
        (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= SCALE_MIN && v <= SCALE_MAX,
      );
      const distribution = [];
      for (let value = SCALE_MIN; value <= SCALE_MAX; value++)
        distribution.push({ value, count: notes.filter((n) => n === value).length });
      return {
        id: q.id,
        label: q.label,
        type: q.type,
        answered: notes.length,
        average: notes.length ? round2(notes.reduce((s, n) => s + n, 0) / notes.length) : null,
        distribution,
      };
    }
    if (q.type === 'yes-no') {
      const yes = values.filter((v) => v === true).length;
      const no = values.filter((v) => v === false).length;
      return {
        id: q.id,
        label: q.label,
        type: q.type,
        answered: yes + no,
        average: yes + no ? round2(yes / (yes + no)) : null,
        distribution: [
          { value: 'yes' as const, count: yes },
          { value: 'no' as const, count: no },
        ],
      };
    }
    return {
      id: q.id,
      label: q.label,
      type: q.type,
      answered: values.filter((v) => typeof v === 'string' && v.trim() !== '').length,
      average: null,
      distribution: [],
    };
  });
}
