// Managers shared through Svelte context rather than module singletons, so each app instance (and each
// test) gets its own.
import { createContext } from 'svelte';
import type { SessionManager } from './session.svelte.ts';

export const [getSession, setSession] = createContext<SessionManager>();
