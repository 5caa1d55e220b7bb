// ICE servers (STUN/TURN) handed to both browsers of a video call (SCHED10): `ICE_SERVERS` holds a JSON
// array of RTCIceServer, for example
// [{"urls":"stun:stun.exemple.fr:3478"},{"urls":["turn:turn.exemple.fr:3478"],"username":"u","credential":"p"}].

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

const ICE_URL = /^(stun|stuns|turn|turns):[^\s]+$/;

/** Parses `ICE_SERVERS`; empty or absent → []; anything else invalid throws with a French message. */
export function parseIceServers(value: string | undefined): IceServer[] {
  if (value === undefined || value.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error('ICE_SERVERS doit être un tableau JSON de serveurs ICE.');
  }
  if (!Array.isArray(parsed)) throw new Error('ICE_SERVERS doit être un tableau JSON de serveurs ICE.');
  return parsed.map((item: unknown, i) => {
    const where = `ICE_SERVERS[${i}]`;
    if (item === null || typeof item !== 'object') throw new Error(`${where} : objet attendu.`);
    const raw = item as Record<string, unknown>;
    const urls = raw.urls;
    const list = typeof urls === 'string' ? [urls] : Array.isArray(urls) ? urls : null;
    if (!list || list.length === 0 || !list.every((u) => typeof u === 'string' && ICE_URL.test(u)))
      throw new Error(
        `${where} : « urls » doit être une adresse stun:, stuns:, turn: ou turns: (ou une liste).`,
      );
    for (const key of ['username', 'credential'] as const)
      if (raw[key] !== undefined && typeof raw[key] !== 'string')
        throw new Error(`${where} : « ${key} » doit être un texte.`);
    return {
      urls: urls as string | string[],
      ...(typeof raw.username === 'string' ? { username: raw.username } : {}),
      ...(typeof raw.credential === 'string' ? { credential: raw.credential } : {}),
    };
  });
}
