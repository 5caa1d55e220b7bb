// Branded IDs: a StepId can never be passed where a PhaseId is expected, at no runtime cost.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type AccompanimentId = Brand<string, 'AccompanimentId'>;
export type PhaseId = Brand<string, 'PhaseId'>;
export type StepId = Brand<string, 'StepId'>;
export type UserId = Brand<string, 'UserId'>;
export type ExerciseId = Brand<string, 'ExerciseId'>;
export type WorkshopId = Brand<string, 'WorkshopId'>;

/** A random identifier, unique enough to be created offline on any peer without coordination. */
export function newId<T extends string>(): Brand<string, T> {
  return globalThis.crypto.randomUUID() as Brand<string, T>;
}
