import type { AccompanimentKind } from '../meta/meta.ts';
import type { Expectation } from '../pathway/pathway.ts';

/**
 * Starting pathways per kind of accompaniment. A template is copied into the new document (each step
 * remembers its origin); editing a template later never rewrites running accompaniments.
 */
export const TEMPLATE_IDS = ['bilan', 'outplacement', 'coaching', 'insertion', 'blank'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface TemplateStep {
  title: string;
  expected?: Expectation;
}

export interface PathwayTemplate {
  id: TemplateId;
  title: string;
  phases: { title: string; steps: TemplateStep[] }[];
}

export function isTemplateId(value: unknown): value is TemplateId {
  return typeof value === 'string' && (TEMPLATE_IDS as readonly string[]).includes(value);
}

const reflection = (prompt: string): Expectation => ({ kind: 'reflection', prompt });
const answer = (prompt: string): Expectation => ({ kind: 'answer', prompt });
const document = (prompt: string): Expectation => ({ kind: 'document', prompt });

const TEMPLATES: Record<Exclude<TemplateId, 'blank'>, PathwayTemplate> = {
  // Code du travail R6313-4: the three compulsory phases of a bilan de compétences.
  bilan: {
    id: 'bilan',
    title: 'Bilan de compétences',
    phases: [
      {
        title: 'Phase préliminaire',
        steps: [
          { title: 'Entretien d’accueil et analyse de la demande' },
          { title: 'Définition des objectifs du bilan', expected: answer('Qu’attendez-vous de ce bilan ?') },
          { title: 'Présentation des méthodes et du déroulement' },
        ],
      },
      {
        title: "Phase d'investigation",
        steps: [
          {
            title: 'Retour sur le parcours professionnel et personnel',
            expected: reflection('Racontez les étapes de votre parcours qui comptent pour vous.'),
          },
          { title: 'Identification des compétences et aptitudes' },
          { title: 'Exploration des intérêts et des valeurs professionnels' },
          {
            title: 'Enquêtes métiers auprès de professionnels',
            expected: reflection('Ce que vous retenez de vos rencontres.'),
          },
          { title: 'Préparer un entretien' },
        ],
      },
      {
        title: 'Phase de conclusion',
        steps: [
          { title: 'Élaboration du projet professionnel et du plan d’action' },
          { title: 'Remise et validation du document de synthèse' },
          { title: 'Entretien de suivi à six mois' },
        ],
      },
    ],
  },
  outplacement: {
    id: 'outplacement',
    title: 'Outplacement',
    phases: [
      {
        title: 'Bilan et rebond',
        steps: [{ title: 'Entretien de démarrage' }, { title: 'Bilan professionnel' }],
      },
      {
        title: 'Projet et marché',
        steps: [
          { title: 'Définition du projet cible' },
          { title: 'CV et profil en ligne', expected: document('Déposez votre CV mis à jour.') },
          { title: 'Stratégie de réseau' },
        ],
      },
      {
        title: 'Recherche active',
        steps: [
          { title: 'Préparer un entretien' },
          { title: 'Suivi des candidatures' },
          { title: 'Intégration' },
        ],
      },
    ],
  },
  coaching: {
    id: 'coaching',
    title: 'Coaching',
    phases: [
      {
        title: 'Parcours',
        steps: [
          { title: 'Séance de cadrage et contrat d’objectifs' },
          { title: 'Séances de travail' },
          { title: 'Bilan du coaching', expected: reflection('Ce qui a changé pour vous.') },
        ],
      },
    ],
  },
  insertion: {
    id: 'insertion',
    title: 'Insertion',
    phases: [
      {
        title: 'Diagnostic',
        steps: [{ title: 'Entretien d’accueil' }, { title: 'Diagnostic de la situation et des freins' }],
      },
      {
        title: 'Parcours',
        steps: [{ title: 'Levée des freins périphériques' }, { title: 'Découverte de métiers' }],
      },
      { title: 'Accès à l’emploi ou à la formation', steps: [{ title: 'Préparer un entretien' }] },
    ],
  },
};

/** The template to start from; `blank` keeps the kind's phases without steps. */
export function pathwayTemplate(id: TemplateId, kind: AccompanimentKind): PathwayTemplate {
  if (id !== 'blank') return TEMPLATES[id];
  const phases =
    kind === 'bilan'
      ? TEMPLATES.bilan.phases.map((p) => ({ title: p.title, steps: [] }))
      : [{ title: 'Parcours', steps: [] }];
  return { id: 'blank', title: 'Parcours vierge', phases };
}
