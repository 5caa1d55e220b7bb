// One 1:1 video call of an appointment: camera and microphone (getUserMedia), the signalling socket
// `/call/:appointmentId` and one RTCPeerConnection. The coach offers once both are present (and again when
// the other one comes back or the connection fails); the learner answers every offer with a fresh
// connection. Messages are handled one after the other, so a candidate never overtakes its description.
import type { PersonRef, Role } from '../api/types.ts';
import { appointmentsApi } from './api.ts';
import {
  callStatus,
  closeFailure,
  parseServerMessage,
  shouldOffer,
  type CallFailure,
  type CallPhase,
  type CallStatus,
} from './call-logic.ts';
import type { CallClientMessage, CallServerMessage } from './types.ts';

const RECONNECT_MS = 2000;
const MAX_RECONNECTS = 10;
const RESTART_MS = 1500;

export class CallSession {
  readonly #expectedName: string;
  phase = $state<CallPhase>('idle');
  failure = $state<CallFailure | null>(null);
  peer = $state.raw<PersonRef | null>(null);
  connectionState = $state<RTCPeerConnectionState | null>(null);
  localStream = $state.raw<MediaStream | null>(null);
  remoteStream = $state.raw<MediaStream | null>(null);
  muted = $state(false);
  cameraOff = $state(false);
  /** When the peer connection last became connected (ms), for the elapsed time. */
  connectedAt = $state<number | null>(null);
  /** When this person joined (ms). */
  joinedAt = $state<number | null>(null);

  /** What the status line says (reactive: it reads the state above). */
  get status(): CallStatus {
    return callStatus({
      phase: this.phase,
      failure: this.failure,
      peer: this.peer,
      expectedName: this.#expectedName,
      connectionState: this.connectionState,
    });
  }

  readonly #appointmentId: string;
  readonly #role: Role;
  #socket: WebSocket | null = null;
  #pc: RTCPeerConnection | null = null;
  #iceServers: RTCIceServer[] = [];
  #pending: RTCIceCandidateInit[] = [];
  #queue: Promise<void> = Promise.resolve();
  #everReady = false;
  #reconnects = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #left = false;

  constructor(appointmentId: string, role: Role, expectedName: string) {
    this.#appointmentId = appointmentId;
    this.#role = role;
    this.#expectedName = expectedName;
  }

  async start(): Promise<void> {
    if (this.phase !== 'idle') return;
    if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      this.#fail('unsupported');
      return;
    }
    this.phase = 'media';
    try {
      this.localStream = await this.#media();
    } catch (error) {
      const name = error instanceof DOMException ? error.name : '';
      this.#fail(name === 'NotAllowedError' || name === 'SecurityError' ? 'media-denied' : 'media-missing');
      return;
    }
    if (this.#left) {
      this.#stopMedia();
      return;
    }
    this.joinedAt = Date.now();
    this.#connect();
  }

  /** Camera and microphone; the microphone alone when there is no camera. */
  async #media(): Promise<MediaStream> {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    } catch (error) {
      const name = error instanceof DOMException ? error.name : '';
      if (name !== 'NotFoundError' && name !== 'OverconstrainedError' && name !== 'NotReadableError')
        throw error;
      return navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    }
  }

  get hasCamera(): boolean {
    return (this.localStream?.getVideoTracks().length ?? 0) > 0;
  }

  toggleMute(): void {
    this.muted = !this.muted;
    for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = !this.muted;
  }

  toggleCamera(): void {
    this.cameraOff = !this.cameraOff;
    for (const track of this.localStream?.getVideoTracks() ?? []) track.enabled = !this.cameraOff;
  }

  /** Hangs up: closes the connection and the socket (the server logs the time) and releases the devices. */
  leave(): void {
    if (this.#left) return;
    this.#left = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#restartTimer);
    this.#closePeer();
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000);
    }
    this.#stopMedia();
    this.peer = null;
    if (this.phase !== 'failed') this.phase = 'ended';
  }

  #fail(failure: CallFailure): void {
    this.failure = failure;
    this.phase = 'failed';
    this.leave();
  }

  #stopMedia(): void {
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
  }

  #connect(): void {
    if (this.#left) return;
    this.phase = 'signalling';
    const socket = new WebSocket(appointmentsApi.callUrl(this.#appointmentId));
    this.#socket = socket;
    socket.onmessage = (event) => {
      const message = parseServerMessage(event.data);
      if (message) this.#queue = this.#queue.then(() => this.#handle(message)).catch(() => undefined);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket || this.#left) return;
      this.#socket = null;
      // Refused before the first `ready` (not a participant, cancelled…), opened elsewhere, cancelled
      // meanwhile: retrying would not help (and would push the other tab out in turn).
      const final = this.#everReady ? closeFailure(event.code) : 'refused';
      if (final) {
        this.#fail(final);
        return;
      }
      this.#closePeer();
      this.peer = null;
      if (this.#reconnects >= MAX_RECONNECTS) {
        this.#fail('refused');
        return;
      }
      this.#reconnects++;
      this.phase = 'signalling';
      this.#reconnectTimer = setTimeout(() => this.#connect(), RECONNECT_MS);
    };
  }

  #send(message: CallClientMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  async #handle(message: CallServerMessage): Promise<void> {
    if (this.#left) return;
    switch (message.type) {
      case 'ready': {
        this.#everReady = true;
        this.#reconnects = 0;
        this.#iceServers = message.iceServers;
        this.peer = message.peers.find((p) => p.id !== message.self.id) ?? null;
        this.phase = 'in-call';
        if (shouldOffer(this.#role, this.peer !== null)) await this.#offer();
        return;
      }
      case 'peer-joined':
        this.peer = { id: message.id, name: message.name };
        if (shouldOffer(this.#role, true)) await this.#offer();
        return;
      case 'peer-left':
        if (this.peer && this.peer.id !== message.id) return;
        this.peer = null;
        this.#closePeer();
        return;
      case 'offer': {
        if (this.#role === 'coach') return;
        const pc = this.#freshPeer();
        await pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
        await this.#flushCandidates(pc);
        await pc.setLocalDescription(await pc.createAnswer());
        if (pc.localDescription) this.#send({ type: 'answer', sdp: pc.localDescription.sdp });
        return;
      }
      case 'answer': {
        const pc = this.#pc;
        if (this.#role !== 'coach' || !pc || pc.signalingState !== 'have-local-offer') return;
        await pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
        await this.#flushCandidates(pc);
        return;
      }
      case 'candidate': {
        const pc = this.#pc;
        if (!message.candidate) return;
        if (!pc || !pc.remoteDescription) this.#pending.push(message.candidate);
        else await pc.addIceCandidate(message.candidate).catch(() => undefined);
        return;
      }
    }
  }

  async #flushCandidates(pc: RTCPeerConnection): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    for (const candidate of pending) await pc.addIceCandidate(candidate).catch(() => undefined);
  }

  async #offer(): Promise<void> {
    const pc = this.#freshPeer();
    await pc.setLocalDescription(await pc.createOffer());
    if (pc.localDescription) this.#send({ type: 'offer', sdp: pc.localDescription.sdp });
  }

  /** A new peer connection with our tracks, replacing the previous one. */
  #freshPeer(): RTCPeerConnection {
    this.#closePeer();
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers });
    this.#pc = pc;
    this.#pending = [];
    this.connectionState = pc.connectionState;
    const stream = this.localStream;
    if (stream) for (const track of stream.getTracks()) pc.addTrack(track, stream);
    // Receive video even without a camera of our own.
    if (!stream || stream.getVideoTracks().length === 0)
      pc.addTransceiver('video', { direction: 'recvonly' });
    pc.onicecandidate = (event) => {
      if (this.#pc === pc) this.#send({ type: 'candidate', candidate: event.candidate?.toJSON() ?? null });
    };
    pc.ontrack = (event) => {
      if (this.#pc !== pc) return;
      const remote = event.streams[0] ?? new MediaStream([event.track]);
      if (this.remoteStream !== remote) this.remoteStream = remote;
    };
    pc.onconnectionstatechange = () => {
      if (this.#pc !== pc) return;
      this.connectionState = pc.connectionState;
      if (pc.connectionState === 'connected') this.connectedAt ??= Date.now();
      if (pc.connectionState === 'failed' && this.#role === 'coach') {
        clearTimeout(this.#restartTimer);
        this.#restartTimer = setTimeout(() => {
          if (this.#pc === pc && this.peer)
            this.#queue = this.#queue.then(() => this.#offer()).catch(() => undefined);
        }, RESTART_MS);
      }
    };
    return pc;
  }

  #closePeer(): void {
    const pc = this.#pc;
    this.#pc = null;
    if (pc) {
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.onconnectionstatechange = null;
      pc.close();
    }
    this.#pending = [];
    this.remoteStream = null;
    this.connectionState = null;
  }
}
