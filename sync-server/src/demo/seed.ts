import {
  addExerciseComment,
  addNote,
  addPoll,
  addPrompt,
  addStep,
  addStepTraced,
  answerTextFragment,
  appendNoteParagraph,
  exerciseStarter,
  initWorkshopDoc,
  listPolls,
  markAnswerShared,
  moveCard,
  noteTextAnswered,
  placeExercise,
  postMessage,
  pullForward,
  readBoard,
  setContribution,
  setPrivateAnswer,
  workshopAnswersDocName,
  workshopDocNames,
  workshopDocument,
  type Expectation,
  type ExerciseDefinition,
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
  type StepId,
  type StepStatus,
  type WorkshopId,
} from '@compagnon/model';
import * as Y from 'yjs';
import { hashPassword } from '../auth/password.ts';
import { parseAvailability } from '../scheduling/availability.ts';
import { signatureBox } from '../scheduling/signature-path.ts';
import { DEFAULT_TIME_ZONE, addDays, fromLocal, isoWeekday, toLocal } from '../scheduling/zoned.ts';
import type { AppointmentMode } from '../storage/appointments.ts';
import type { LibraryItemValues } from '../storage/library.ts';
import type { Storage } from '../storage/storage.ts';

/** Demo only: printed at startup so anyone trying the app can sign in. */
export const DEMO_PASSWORD = 'demo-compagnon';

export const DEMO_ACCOUNTS = {
  coach: { email: 'coach@demo.compagnon.fr', name: 'Claire Dubois', role: 'coach' },
  lea: { email: 'lea@demo.compagnon.fr', name: 'Léa Martin', role: 'learner' },
  karim: { email: 'karim@demo.compagnon.fr', name: 'Karim Benali', role: 'learner' },
} as const;

type DemoPerson = keyof typeof DEMO_ACCOUNTS;

interface DemoAccompaniment {
  title: string;
  kind: AccompanimentKind;
  hoursBudget: number;
  learner: Exclude<DemoPerson, 'coach'>;
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

/** Two exercises from the model's starters, the first one also placed in Léa's pathway. */
export const DEMO_EXERCISES = { values: 'Mes valeurs professionnelles', swot: 'Analyse SWOT' } as const;

function demoExercises(): ExerciseDefinition[] {
  return [
    { ...exerciseStarter('values'), title: DEMO_EXERCISES.values },
    { ...exerciseStarter('swot'), title: DEMO_EXERCISES.swot },
  ];
}

const exerciseItem = (exercise: ExerciseDefinition): LibraryItemValues => ({
  kind: 'exercise',
  title: exercise.title,
  resourceKind: null,
  body: null,
  url: null,
  fileId: null,
  expectedKind: null,
  expectedPrompt: null,
  shared: true,
  exercise,
});

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

/** Where the values exercise goes in Léa's pathway, and what she and Claire have written in it so far. */
const PLACED_EXERCISE = {
  step: 'Questionnaire d’intérêts professionnels',
  /** Léa's first cards, most important first (the others keep their order). */
  ranking: ['Utilité sociale', 'Apprentissage', 'Autonomie', 'Relations humaines'],
  text: 'Le projet de tri des déchets sur la plateforme : c’est là que je me suis sentie la plus utile. J’ai besoin d’apprendre encore, pas de refaire la même chose ailleurs.',
  comment:
    'Très cohérent avec ce que vous avez raconté de votre parcours. On regarde ensemble à la prochaine séance ce que « utilité sociale » veut dire concrètement pour vous.',
};

/** Claire's opening hours, Paris time: weekday mornings and afternoons. */
const WEEKLY = [1, 2, 3, 4, 5].flatMap((day) => [
  { day, start: '09:00', end: '12:30' },
  { day, start: '14:00', end: '18:00' },
]);

/** Simple strokes standing for drawn signatures (SVG path data, what the signature pad records). */
const SIGNATURES: Record<'coach' | 'lea', string> = {
  coach: 'M10 60 C 25 10, 40 10, 45 55 S 70 80, 85 30 L 120 50 M 20 70 L 130 68',
  lea: 'M12 50 Q 30 5, 48 50 T 84 50 L 96 20 L 104 58 C 115 40, 125 40, 140 52',
};

interface DemoAppointment {
  /** Calendar days from today; a weekend day moves to the weekday before (past) or after (future). */
  days: number;
  /** Paris time, minutes since midnight. */
  at: number;
  minutes: number;
  mode: AppointmentMode;
  /** Index of the pathway phase the session counts in. */
  phase: number;
  bookedBy: 'coach' | 'lea';
  /** A past session: held, signed by both. */
  held: boolean;
}

const LEA_APPOINTMENTS: DemoAppointment[] = [
  { days: -14, at: 14 * 60, minutes: 90, mode: 'onsite', phase: 0, bookedBy: 'coach', held: true },
  { days: -7, at: 10 * 60, minutes: 90, mode: 'video', phase: 1, bookedBy: 'coach', held: true },
  { days: 2, at: 10 * 60, minutes: 60, mode: 'video', phase: 1, bookedBy: 'lea', held: false },
];

/** Time Léa spent on her own (shown apart from the provider's hours). */
const LEA_PERSONAL_TIME = [
  { days: -10, minutes: 45, note: 'Lecture des fiches métiers de l’économie circulaire' },
  { days: -4, minutes: 60, note: 'Enquête métier : échange avec une coordinatrice chez un recycleur' },
];

export const DEMO_WORKSHOP_TITLE = 'Atelier collectif — Pitch et réseau';

interface DemoWorkshop {
  title: string;
  /** Paragraphs of the shared document. */
  document: string[];
  /** Board notes: column title, author, text. */
  board: [string, DemoPerson, string][];
  prompt: string;
  /** The workshop's thread (projected by nothing: no notification, no unread count to settle). */
  messages: [DemoPerson, string][];
  /** Each participant's answer to the prompt: Léa shared hers on the board, Karim's stays private. */
  answers: Record<'lea' | 'karim', string>;
  /** Votes are anonymous: kept by the server, only their counts are shown. */
  poll: { question: string; options: string[]; votes: Record<'lea' | 'karim', string> };
}

const WORKSHOP: DemoWorkshop = {
  title: DEMO_WORKSHOP_TITLE,
  document: [
    'Programme : 1. se présenter en trente secondes ; 2. cartographier son réseau ; 3. préparer un premier message.',
    'Entre deux séances : contacter une personne de votre réseau et noter ce que vous en retenez.',
  ],
  board: [
    ['Idées', 'coach', 'Commencer par ce que l’on cherche, pas par son ancien poste.'],
    [
      'Idées',
      'karim',
      'Mes anciens clients transporteurs connaissent mon travail : les recontacter en premier.',
    ],
    ['Questions', 'lea', 'Comment parler d’une reconversion sans avoir l’air de fuir son métier ?'],
    [
      'À retenir',
      'coach',
      'Un pitch se termine par une demande précise : un contact, un conseil, un rendez-vous.',
    ],
  ],
  prompt: 'En trois phrases : qui êtes-vous, que savez-vous faire, que cherchez-vous ?',
  messages: [
    ['coach', 'Bienvenue à l’atelier ! Pensez à répondre à la consigne avant jeudi, même en quelques mots.'],
    ['karim', 'Merci, je m’y mets ce soir.'],
  ],
  answers: {
    lea: 'Douze ans de logistique, dont la coordination d’équipes de nuit. Je sais organiser et faire travailler les gens ensemble. Je cherche à mettre ça au service de l’économie circulaire.',
    karim:
      'Responsable d’exploitation dans le transport depuis quinze ans. Je sais tenir une flotte et des délais. Je cherche un poste similaire en région lyonnaise.',
  },
  poll: {
    question: 'Quel thème pour la prochaine séance ?',
    options: ['Entretien réseau en binôme', 'Soigner son profil en ligne', 'Rencontre avec une recruteuse'],
    votes: { lea: 'Entretien réseau en binôme', karim: 'Rencontre avec une recruteuse' },
  },
};

export interface DemoResult {
  seeded: boolean;
  accounts: { email: string; name: string; role: 'coach' | 'learner' }[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The weekday `days` from the Paris date of `now`, stepping back (past) or forward (future) over weekends. */
function demoDate(now: number, days: number): string {
  let date = addDays(toLocal(now, DEFAULT_TIME_ZONE).date, days);
  while (isoWeekday(date) > 5) date = addDays(date, days < 0 ? -1 : 1);
  return date;
}

/**
 * Seeds demo accounts and two accompaniments under way, on an empty data folder only (no user yet), with
 * what shows each feature: the coach's availability and Léa's appointments (two held and signed, one to come
 * by video), library exercises and one answered in Léa's pathway, and a group workshop with both learners.
 * Documents are written with the model's functions into the update log, rows through the storage classes,
 * like any other change.
 */
export async function seedDemo(storage: Storage, now: number = Date.now()): Promise<DemoResult> {
  const accounts = Object.values(DEMO_ACCOUNTS).map(({ email, name, role }) => ({ email, name, role }));
  if ((await storage.users.count()) > 0) {
    const seededBefore = (await storage.users.findByEmail(DEMO_ACCOUNTS.coach.email)) !== null;
    return { seeded: false, accounts: seededBefore ? accounts : [] };
  }
  const hashes = await Promise.all(accounts.map(() => hashPassword(DEMO_PASSWORD)));
  // Only database writes in here: on PostgreSQL the transaction may run again, ids included.
  await storage.transaction(async () => {
    const ids = new Map<string, string>();
    for (const [i, account] of accounts.entries()) {
      const user = await storage.users.create({ ...account, passwordHash: hashes[i]! });
      ids.set(account.email, user.id);
      if (user.role === 'coach') await storage.organisations.createForCoach(user, now);
    }
    const idOf = (person: DemoPerson): string => ids.get(DEMO_ACCOUNTS[person].email)!;
    const actorOf = (person: DemoPerson): Actor => ({
      id: idOf(person) as UserId,
      name: DEMO_ACCOUNTS[person].name,
      role: DEMO_ACCOUNTS[person].role,
    });
    const coachId = idOf('coach');
    const coach = actorOf('coach');
    const exercises = demoExercises();
    for (const item of [...LIBRARY, ...exercises.map(exerciseItem)])
      await storage.library.create(newId(), coachId, item, now);

    const accompaniments = new Map<DemoPerson, { id: AccompanimentId; phases: string[] }>();
    for (const demo of ACCOMPANIMENTS) {
      const id = newId<'AccompanimentId'>() as AccompanimentId;
      await storage.accompaniments.create({
        id,
        title: demo.title,
        kind: demo.kind,
        hoursBudget: demo.hoursBudget,
        coachId,
      });
      await storage.accompaniments.setLearner(id, idOf(demo.learner));

      const shared = new Y.Doc();
      initSharedDoc(shared, { title: demo.title, kind: demo.kind, hoursBudget: demo.hoursBudget });
      const phases = listPhases(shared);
      const stepIds = new Map<string, StepId>();
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
          stepIds.set(title, stepId);
          if (contribution) setContribution(shared, stepId, contribution);
        }
      });
      const pulled = demo.pulledForward;
      const pulledPhase = pulled && phases[pulled.phase];
      if (pulled && pulledPhase) {
        const stepId = addStepTraced(shared, { phaseId: pulledPhase.id, title: pulled.title }, coach);
        pullForward(shared, stepId, coach, { reason: pulled.reason });
      }
      for (const text of demo.notes) appendNoteParagraph(sharedNotes(shared), text);
      const exerciseStep = stepIds.get(PLACED_EXERCISE.step);
      if (exerciseStep) seedExercise(shared, exerciseStep, exercises[0]!, coach, actorOf(demo.learner), now);

      const secret = new Y.Doc();
      for (const text of demo.privateNotes) appendNoteParagraph(privateNotes(secret), text);

      const names = docNames(id);
      await storage.docs.append(names.shared, Y.encodeStateAsUpdate(shared));
      await storage.docs.append(names.private, Y.encodeStateAsUpdate(secret));
      accompaniments.set(demo.learner, { id, phases: phases.map((p) => p.title) });
      shared.destroy();
      secret.destroy();
    }

    await seedScheduling(storage, {
      coachId,
      leaId: idOf('lea'),
      accompaniment: accompaniments.get('lea')!,
      now,
    });
    await seedWorkshop(storage, {
      actors: { coach, lea: actorOf('lea'), karim: actorOf('karim') },
      participants: (['lea', 'karim'] as const).map((learner) => ({
        learner,
        accompanimentId: accompaniments.get(learner)!.id,
      })),
      now,
    });
  });
  return { seeded: true, accounts };
}

/** Places the values exercise in a step: Claire placed it, Léa ranked her first cards and wrote why, Claire commented. */
function seedExercise(
  doc: Y.Doc,
  stepId: StepId,
  definition: ExerciseDefinition,
  coach: Actor,
  learner: Actor,
  now: number,
): void {
  const id = placeExercise(doc, { stepId, definition, actor: coach, now: now - 6 * DAY });
  const [ranking, why] = definition.questions;
  if (ranking?.type !== 'ranking' || why?.type !== 'text') throw new Error('starter « valeurs » inattendu');
  const answeredAt = now - 3 * DAY;
  PLACED_EXERCISE.ranking.forEach((label, index) => {
    const card = ranking.cards.find((c) => c.label === label);
    if (card) moveCard(doc, id, ranking.id, card.id, index, learner, answeredAt);
  });
  appendNoteParagraph(answerTextFragment(doc, id, why.id), PLACED_EXERCISE.text);
  noteTextAnswered(doc, id, why.id, learner, answeredAt + 5 * MINUTE);
  addExerciseComment(doc, id, ranking.id, coach, PLACED_EXERCISE.comment, now - 2 * DAY);
}

/** Claire's opening hours, Léa's sessions (held ones signed by both) and the time Léa spent on her own. */
async function seedScheduling(
  storage: Storage,
  input: {
    coachId: string;
    leaId: string;
    accompaniment: { id: AccompanimentId; phases: string[] };
    now: number;
  },
): Promise<void> {
  const { coachId, leaId, accompaniment, now } = input;
  // Through the same validation as the API, so that the demo never stores hours the settings page refuses.
  const availability = parseAvailability({ timeZone: DEFAULT_TIME_ZONE, weekly: WEEKLY, exceptions: [] });
  if (!availability.ok) throw new Error(availability.error);
  await storage.availabilities.put(coachId, { ...availability.value, reminderHours: 24 }, now - 30 * DAY);

  for (const demo of LEA_APPOINTMENTS) {
    const start = fromLocal(demoDate(now, demo.days), demo.at, DEFAULT_TIME_ZONE);
    const booked = await storage.appointments.book(
      {
        id: newId(),
        accompanimentId: accompaniment.id,
        coachId,
        start,
        durationMinutes: demo.minutes,
        mode: demo.mode,
        phase: accompaniment.phases[demo.phase] ?? null,
        createdBy: demo.bookedBy === 'coach' ? coachId : leaId,
      },
      demo.held ? start - 6 * DAY : now - DAY,
    );
    if (booked === 'taken') throw new Error('rendez-vous de démonstration en conflit');
    if (!demo.held) continue;
    const end = booked.end;
    await storage.appointments.markHeld(booked, {
      minutes: demo.minutes,
      phase: booked.phase,
      byUserId: coachId,
      reason: null,
      now: end + 5 * MINUTE,
    });
    const halfDay = demo.at < 13 * 60 ? 'am' : 'pm';
    for (const [userId, role, signature, after] of [
      [leaId, 'learner', SIGNATURES.lea, 2],
      [coachId, 'coach', SIGNATURES.coach, 3],
    ] as const) {
      if (!signatureBox(signature)) throw new Error('signature de démonstration illisible');
      const at = end + after * MINUTE;
      await storage.attendance.append({
        accompanimentId: accompaniment.id,
        appointmentId: booked.id,
        userId,
        role,
        halfDay,
        method: 'drawn',
        signature,
        deviceAt: at,
        receivedAt: at + 1000,
        correctsSeq: null,
        reason: null,
      });
    }
  }

  for (const entry of LEA_PERSONAL_TIME)
    await storage.personalTime.add({
      id: newId(),
      accompanimentId: accompaniment.id,
      userId: leaId,
      date: addDays(toLocal(now, DEFAULT_TIME_ZONE).date, entry.days),
      minutes: entry.minutes,
      note: entry.note,
      now: now + entry.days * DAY,
    });
}

/**
 * The workshop with Léa and Karim: the shared document (programme, board notes, a prompt, a poll), each
 * participant's private answers document, and their anonymous votes kept by the server.
 */
async function seedWorkshop(
  storage: Storage,
  input: {
    actors: Record<DemoPerson, Actor>;
    participants: { learner: 'lea' | 'karim'; accompanimentId: AccompanimentId }[];
    now: number;
  },
): Promise<void> {
  const { actors, participants, now } = input;
  const id = newId<'WorkshopId'>() as WorkshopId;
  const createdAt = now - 3 * DAY;

  const doc = new Y.Doc();
  initWorkshopDoc(doc, WORKSHOP.title);
  for (const text of WORKSHOP.document) appendNoteParagraph(workshopDocument(doc), text);
  const columns = new Map(readBoard(doc).columns.map((c) => [c.title, c.id]));
  const column = (title: string): string => {
    const found = columns.get(title);
    if (!found) throw new Error(`colonne « ${title} » absente du tableau par défaut`);
    return found;
  };
  for (const [title, author, text] of WORKSHOP.board)
    addNote(doc, { columnId: column(title), text, actor: actors[author] });
  const promptId = addPrompt(doc, WORKSHOP.prompt);
  const pollId = addPoll(doc, WORKSHOP.poll.question, WORKSHOP.poll.options, createdAt + 30 * MINUTE);
  const poll = listPolls(doc).find((p) => p.id === pollId)!;
  WORKSHOP.messages.forEach(([author, text], i) =>
    postMessage(doc, actors[author], text, undefined, createdAt + (10 + i * 120) * MINUTE),
  );

  await storage.workshops.create({ id, coachId: actors.coach.id, title: WORKSHOP.title, now: createdAt });
  for (const { learner, accompanimentId } of participants) {
    const actor = actors[learner];
    await storage.workshops.addParticipant(id, actor.id, accompanimentId, createdAt);

    const answers = new Y.Doc();
    setPrivateAnswer(answers, promptId, WORKSHOP.answers[learner], createdAt + 20 * MINUTE);
    if (learner === 'lea') {
      markAnswerShared(answers, promptId, createdAt + 25 * MINUTE);
      addNote(doc, {
        columnId: column('Idées'),
        text: WORKSHOP.answers.lea,
        actor,
        color: 'blue',
        fromPromptId: promptId,
      });
    }
    await storage.docs.append(workshopAnswersDocName(id, actor.id), Y.encodeStateAsUpdate(answers));
    answers.destroy();

    const option = poll.options.find((o) => o.label === WORKSHOP.poll.votes[learner]);
    if (option) await storage.workshops.vote(id, pollId, actor.id, option.id);
  }
  await storage.docs.append(workshopDocNames(id).shared, Y.encodeStateAsUpdate(doc));
  doc.destroy();
}
