import {
  addStep,
  addStepTraced,
  appendNoteParagraph,
  pullForward,
  setContribution,
  type Expectation,
  type UserId,
  type Actor,
  docNames,
  initSharedDoc,
  listPhases,
  newId,
  privateNotes,
  sharedNotes,
  type AccompanimentId,
  type AccompanimentKind,
  type StepStatus,
} from '@compagnon/model';
import * as Y from 'yjs';
import { hashPassword } from '../auth/password.ts';
import type { LibraryItemValues } from '../storage/library.ts';
import type { Storage } from '../storage/storage.ts';

/** Demo only: printed at startup so anyone trying the app can sign in. */
export const DEMO_PASSWORD = 'demo-compagnon';

export const DEMO_ACCOUNTS = {
  coach: { email: 'coach@demo.compagnon.fr', name: 'Claire Dubois', role: 'coach' },
  lea: { email: 'lea@demo.compagnon.fr', name: 'Léa Martin', role: 'learner' },
  karim: { email: 'karim@demo.compagnon.fr', name: 'Karim Benali', role: 'learner' },
} as const;

interface DemoAccompaniment {
  title: string;
  kind: AccompanimentKind;
  hoursBudget: number;
  learner: keyof typeof DEMO_ACCOUNTS;
  /** Steps per phase, in the order of the phases the kind starts with; a step may expect a contribution. */
  steps: [string, StepStatus, Expectation?, string?][][];
  /** A step the coach pulled forward, with the reason (shows first in the learner's space). */
  pulledForward?: { phase: number; title: string; reason: string };
  notes: string[];
  privateNotes: string[];
}

const ACCOMPANIMENTS: DemoAccompaniment[] = [
  {
    title: 'Bilan de compétences — Léa Martin',
    kind: 'bilan',
    hoursBudget: 24,
    learner: 'lea',
    steps: [
      [
        ['Entretien d’accueil et analyse de la demande', 'done'],
        ['Signature de la convention et recueil du consentement', 'done'],
        [
          'Définition des objectifs du bilan',
          'done',
          { kind: 'answer', prompt: 'Qu’attendez-vous de ce bilan ?' },
          'Savoir si je peux me reconvertir sans repartir de zéro, et dans quel métier.',
        ],
      ],
      [
        [
          'Retour sur le parcours professionnel et personnel',
          'done',
          { kind: 'reflection', prompt: 'Racontez les étapes de votre parcours qui comptent pour vous.' },
          'La coordination des équipes de nuit, le tutorat des intérimaires, le projet de tri des déchets.',
        ],
        [
          'Questionnaire d’intérêts professionnels',
          'in_progress',
          { kind: 'reflection', prompt: 'Ce qui vous a surpris dans vos résultats.' },
        ],
        ['Identification des compétences transférables', 'todo'],
        ['Enquêtes métiers auprès de professionnels', 'todo'],
      ],
      [
        ['Élaboration du projet professionnel et du plan d’action', 'todo'],
        ['Remise et validation du document de synthèse', 'todo'],
        ['Entretien de suivi à six mois', 'todo'],
      ],
    ],
    pulledForward: {
      phase: 2,
      title: 'Préparer un entretien',
      reason: 'Entretien chez un recycleur le 3 décembre : on le prépare dès cette semaine.',
    },
    notes: [
      'Objectif du bilan : clarifier un projet de reconversion après douze ans dans la logistique.',
      'Pistes évoquées lors de la deuxième séance : coordination de projets dans l’économie circulaire, formation pour adultes.',
      'Pour la prochaine séance : terminer le questionnaire d’intérêts et lister trois personnes à rencontrer pour les enquêtes métiers.',
    ],
    privateNotes: [
      'Léa doute de sa légitimité à changer de secteur : valoriser les réussites citées en séance 2.',
      'Vérifier avec elle le financement CPF restant avant de proposer une formation longue.',
    ],
  },
  {
    title: 'Outplacement — Karim Benali',
    kind: 'outplacement',
    hoursBudget: 40,
    learner: 'karim',
    steps: [
      [
        ['Entretien de démarrage', 'done'],
        ['Bilan de la situation et des compétences', 'done'],
        [
          'Mise à jour du CV et du profil en ligne',
          'in_progress',
          { kind: 'document', prompt: 'Déposez votre CV mis à jour.' },
        ],
        ['Stratégie de recherche et activation du réseau', 'todo'],
        ['Préparation aux entretiens de recrutement', 'todo'],
      ],
    ],
    notes: [
      'Cible : responsable d’exploitation dans le transport régional, en Auvergne-Rhône-Alpes.',
      'Prochaine étape : relire ensemble la nouvelle version du CV et préparer le message aux anciens collègues.',
    ],
    privateNotes: ['Karim vit mal la fin de son contrat : prévoir un point sur le moral en début de séance.'],
  },
];

/** A few library items, so that "Ajouter depuis la bibliothèque" has something to offer. */
const LIBRARY: LibraryItemValues[] = [
  {
    kind: 'resource',
    title: 'Les cinq questions du projet',
    resourceKind: 'text',
    body: 'Quoi ? Où ? Avec qui ? Comment ? Pourquoi ? Répondez en quelques lignes à chacune.',
    url: null,
    fileId: null,
    expectedKind: null,
    expectedPrompt: null,
    shared: true,
  },
  {
    kind: 'resource',
    title: 'Fiches métiers de l’Onisep',
    resourceKind: 'link',
    body: null,
    url: 'https://www.onisep.fr/decouvrir-les-metiers',
    fileId: null,
    expectedKind: null,
    expectedPrompt: null,
    shared: false,
  },
  {
    kind: 'step',
    title: 'Enquête métier',
    resourceKind: null,
    body: null,
    url: null,
    fileId: null,
    expectedKind: 'reflection',
    expectedPrompt: 'Ce que vous retenez de la rencontre : ce qui vous attire, ce qui vous freine.',
    shared: false,
  },
];

export interface DemoResult {
  seeded: boolean;
  accounts: { email: string; name: string; role: 'coach' | 'learner' }[];
}

/**
 * Seeds demo accounts and two accompaniments under way, on an empty data folder only (no user yet). The
 * documents are written with the model's functions into the update log, like any other change.
 */
export async function seedDemo(storage: Storage): Promise<DemoResult> {
  const accounts = Object.values(DEMO_ACCOUNTS).map(({ email, name, role }) => ({ email, name, role }));
  if (storage.users.count() > 0) {
    return { seeded: false, accounts: storage.users.findByEmail(DEMO_ACCOUNTS.coach.email) ? accounts : [] };
  }
  const hashes = await Promise.all(accounts.map(() => hashPassword(DEMO_PASSWORD)));
  storage.transaction(() => {
    const ids = new Map<string, string>();
    accounts.forEach((account, i) => {
      const user = storage.users.create({ ...account, passwordHash: hashes[i]! });
      ids.set(account.email, user.id);
      if (user.role === 'coach') storage.organisations.createForCoach(user, Date.now());
    });
    const coachId = ids.get(DEMO_ACCOUNTS.coach.email)!;
    for (const item of LIBRARY) storage.library.create(newId(), coachId, item, Date.now());
    for (const demo of ACCOMPANIMENTS) {
      const id = newId<'AccompanimentId'>() as AccompanimentId;
      storage.accompaniments.create({
        id,
        title: demo.title,
        kind: demo.kind,
        hoursBudget: demo.hoursBudget,
        coachId,
      });
      storage.accompaniments.setLearner(id, ids.get(DEMO_ACCOUNTS[demo.learner].email)!);

      const shared = new Y.Doc();
      initSharedDoc(shared, { title: demo.title, kind: demo.kind, hoursBudget: demo.hoursBudget });
      const phases = listPhases(shared);
      demo.steps.forEach((steps, i) => {
        const phase = phases[i];
        if (!phase) return;
        for (const [title, status, expected, contribution] of steps) {
          const stepId = addStep(shared, {
            phaseId: phase.id,
            title,
            status,
            ...(expected ? { expected } : {}),
          });
          if (contribution) setContribution(shared, stepId, contribution);
        }
      });
      const pulled = demo.pulledForward;
      const pulledPhase = pulled && phases[pulled.phase];
      if (pulled && pulledPhase) {
        const coach: Actor = { id: coachId as UserId, name: DEMO_ACCOUNTS.coach.name, role: 'coach' };
        const stepId = addStepTraced(shared, { phaseId: pulledPhase.id, title: pulled.title }, coach);
        pullForward(shared, stepId, coach, { reason: pulled.reason });
      }
      for (const text of demo.notes) appendNoteParagraph(sharedNotes(shared), text);

      const secret = new Y.Doc();
      for (const text of demo.privateNotes) appendNoteParagraph(privateNotes(secret), text);

      const names = docNames(id);
      storage.docs.append(names.shared, Y.encodeStateAsUpdate(shared));
      storage.docs.append(names.private, Y.encodeStateAsUpdate(secret));
      shared.destroy();
      secret.destroy();
    }
  });
  return { seeded: true, accounts };
}
