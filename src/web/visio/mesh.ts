// The WebRTC mesh of a virtual room, without React: one RTCPeerConnection per other participant,
// negotiated with the "perfect negotiation" pattern (either side may renegotiate — screen shared,
// camera turned on, ICE restarted after a network change — and offer collisions resolve themselves).
// Signalling rides on the realtime WebSocket (RealtimeClient.attachRoom); media never touch the server.
import type { RealtimeClient, RoomServerFrame } from '../api/realtime';
import type { IceServer, VisioLeaveReason, VisioMedia, VisioParticipant, VisioSignalData } from '../../shared/schemas/visio';

export interface LinkStats {
  /** Video frames decoded from this participant since the link started. */
  framesDecoded: number;
  framesPerSecond: number;
  inKbps: number;
  outKbps: number;
  packetsLostPct: number;
}

export interface RemoteView {
  participant: VisioParticipant;
  stream: MediaStream | null;
  state: RTCPeerConnectionState | 'waiting';
  speaking: boolean;
  stats: LinkStats | null;
}

export type RoomPhase = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left';

export interface RoomSnapshot {
  phase: RoomPhase;
  self: VisioParticipant | null;
  peers: RemoteView[];
  media: VisioMedia;
  localSpeaking: boolean;
  outKbps: number;
  leftReason: VisioLeaveReason | null;
  errorCode: string | null;
}

/** Video sent to each peer: lower as the room grows (each browser encodes once per peer). */
export function maxBitrateFor(peers: number): number {
  if (peers <= 1) return 1_200_000;
  if (peers === 2) return 800_000;
  if (peers === 3) return 600_000;
  if (peers <= 5) return 450_000;
  return 300_000;
}

const SPEAKING_LEVEL = 0.04;
const SPEAKING_HOLD_MS = 700;
const ICE_DISCONNECTED_RESTART_MS = 8000;
const OFFER_TIMEOUT_MS = 15_000;
const MAX_RESTART_BACKOFF_MS = 60_000;

class PeerLink {
  readonly pc: RTCPeerConnection;
  stream: MediaStream | null = null;
  speakingUntil = 0;
  stats: LinkStats | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private tracksAdded = false;
  private readonly earlyCandidates: RTCIceCandidateInit[] = [];
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private offerTimer: ReturnType<typeof setTimeout> | null = null;
  private restarts = 0;
  private last: { at: number; inBytes: number; outBytes: number } | null = null;
  audioSender: RTCRtpSender | null = null;
  videoSender: RTCRtpSender | null = null;

  constructor(
    private readonly room: MeshRoom,
    readonly peerId: string,
    private readonly polite: boolean,
    iceServers: IceServer[],
  ) {
    this.pc = new RTCPeerConnection({ iceServers });
    this.pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await this.pc.setLocalDescription();
        this.signal({ description: { type: 'offer', sdp: this.pc.localDescription!.sdp } });
        this.armOfferWatchdog();
      } catch (err) {
        console.warn('[vigie] salle : offre impossible', err);
      } finally {
        this.makingOffer = false;
      }
    };
    this.pc.onicecandidate = ({ candidate }) => {
      const c = candidate?.toJSON();
      this.signal({ candidate: c && c.candidate ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null, usernameFragment: c.usernameFragment ?? null } : null });
    };
    this.pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? this.stream ?? new MediaStream();
      if (!streams[0] && !stream.getTracks().includes(track)) stream.addTrack(track);
      this.stream = stream;
      track.onunmute = () => this.room.changed();
      this.room.changed();
    };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (state === 'connected') {
        this.restarts = 0;
        this.room.applyBitrates();
      }
      if (state === 'failed') this.scheduleRestart(0);
      this.room.changed();
    };
    this.pc.oniceconnectionstatechange = () => {
      // A network change (Wi-Fi to 4G): a short blip heals by itself; beyond a few seconds, restart ICE.
      if (this.pc.iceConnectionState === 'disconnected') this.scheduleRestart(ICE_DISCONNECTED_RESTART_MS);
      else if (this.pc.iceConnectionState === 'connected' || this.pc.iceConnectionState === 'completed') {
        if (this.restartTimer) clearTimeout(this.restartTimer);
        this.restartTimer = null;
      }
    };
  }

  /**
   * Restarts ICE after `delay`, then again less and less often while the link stays down (8 s,
   * 16 s, 32 s… one minute at most): a participant whose network or processor cannot hold the call
   * does not flood the others with offers.
   */
  private scheduleRestart(delay: number) {
    if (this.restartTimer) return;
    const wait = Math.min(MAX_RESTART_BACKOFF_MS, delay + (this.restarts > 0 ? ICE_DISCONNECTED_RESTART_MS * 2 ** (this.restarts - 1) : 0));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      const ice = this.pc.iceConnectionState;
      if (ice !== 'disconnected' && ice !== 'failed') return;
      this.restarts += 1;
      this.pc.restartIce();
    }, wait);
  }

  /** This side's id of the link, carried by every signal it sends. */
  readonly localId = crypto.randomUUID();
  /** The other side's id of the link, from its first signal. */
  remoteId: string | null = null;

  /**
   * An offer left without an answer (lost in a reconnection, or its answer refused) would block the
   * link for good: after a while it is withdrawn and the negotiation starts again, with an ICE restart.
   */
  private armOfferWatchdog() {
    if (this.offerTimer) clearTimeout(this.offerTimer);
    const sent = this.pc.localDescription?.sdp;
    this.offerTimer = setTimeout(() => {
      this.offerTimer = null;
      if (this.pc.signalingState !== 'have-local-offer' || this.pc.localDescription?.sdp !== sent) return;
      void this.pc
        .setLocalDescription({ type: 'rollback' })
        .then(() => this.pc.restartIce())
        .catch((err: unknown) => console.warn('[vigie] salle : relance de la négociation impossible', err));
    }, OFFER_TIMEOUT_MS);
  }

  private signal(data: VisioSignalData) {
    this.room.signal(this.peerId, { ...data, link: this.localId, ...(this.remoteId ? { peerLink: this.remoteId } : {}) });
  }

  /** The caller side adds its tracks at once (negotiation follows); the called side after the offer. */
  addLocalTracks(audio: MediaStreamTrack | null, video: MediaStreamTrack | null, stream: MediaStream) {
    if (this.tracksAdded) return;
    this.tracksAdded = true;
    if (audio) this.audioSender = this.pc.addTrack(audio, stream);
    if (video) this.videoSender = this.pc.addTrack(video, stream);
  }

  async setVideo(track: MediaStreamTrack | null, stream: MediaStream) {
    if (this.videoSender) await this.videoSender.replaceTrack(track);
    else if (track && this.tracksAdded) this.videoSender = this.pc.addTrack(track, stream);
  }

  async setAudio(track: MediaStreamTrack | null, stream: MediaStream) {
    if (this.audioSender) await this.audioSender.replaceTrack(track);
    else if (track && this.tracksAdded) this.audioSender = this.pc.addTrack(track, stream);
  }

  async onSignal(data: VisioSignalData, local: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null; stream: MediaStream }) {
    if ('description' in data) {
      const description = data.description;
      const readyForOffer = !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswer);
      const collision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      this.settingRemoteAnswer = description.type === 'answer';
      await this.pc.setRemoteDescription(description);
      this.settingRemoteAnswer = false;
      for (const c of this.earlyCandidates.splice(0)) await this.pc.addIceCandidate(c).catch(() => {});
      if (description.type === 'offer') {
        // Called: our tracks go into the transceivers the offer created (one round trip, no renegotiation).
        this.addLocalTracks(local.audio, local.video, local.stream);
        await this.pc.setLocalDescription();
        this.signal({ description: { type: 'answer', sdp: this.pc.localDescription!.sdp } });
      }
      return;
    }
    // Across server instances a large offer (read back from the database) may arrive after its first candidates.
    if (!this.pc.remoteDescription) {
      if (data.candidate) this.earlyCandidates.push(data.candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate(data.candidate ?? undefined);
    } catch (err) {
      if (!this.ignoreOffer) console.warn('[vigie] salle : candidat ICE refusé', err);
    }
  }

  async setMaxBitrate(bps: number) {
    const sender = this.videoSender;
    if (!sender || !sender.track) return;
    const params = sender.getParameters();
    if (!params.encodings || params.encodings.length === 0) return;
    if (params.encodings[0].maxBitrate === bps) return;
    params.encodings[0].maxBitrate = bps;
    await sender.setParameters(params).catch(() => {});
  }

  /** Levels of the received audio (who speaks) — cheap, no statistics report. */
  pollSpeaking(now: number): boolean {
    for (const r of this.pc.getReceivers()) {
      if (r.track.kind !== 'audio') continue;
      const level = r.getSynchronizationSources().reduce((m, s) => Math.max(m, s.audioLevel ?? 0), 0);
      if (level > SPEAKING_LEVEL) this.speakingUntil = now + SPEAKING_HOLD_MS;
    }
    return this.speakingUntil > now;
  }

  async pollStats(): Promise<void> {
    const report = await this.pc.getStats();
    let inBytes = 0;
    let outBytes = 0;
    let framesDecoded = 0;
    let fps = 0;
    let lost = 0;
    let received = 0;
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp') {
        inBytes += Number(s.bytesReceived ?? 0);
        lost += Number(s.packetsLost ?? 0);
        received += Number(s.packetsReceived ?? 0);
        if (s.kind === 'video') {
          framesDecoded += Number(s.framesDecoded ?? 0);
          fps = Math.max(fps, Number(s.framesPerSecond ?? 0));
        }
      } else if (s.type === 'outbound-rtp') {
        outBytes += Number(s.bytesSent ?? 0);
      }
    });
    const now = performance.now();
    const prev = this.last;
    this.last = { at: now, inBytes, outBytes };
    const secs = prev ? (now - prev.at) / 1000 : 0;
    this.stats = {
      framesDecoded,
      framesPerSecond: fps,
      inKbps: prev && secs > 0 ? Math.max(0, ((inBytes - prev.inBytes) * 8) / 1000 / secs) : 0,
      outKbps: prev && secs > 0 ? Math.max(0, ((outBytes - prev.outBytes) * 8) / 1000 / secs) : 0,
      packetsLostPct: received + lost > 0 ? (100 * lost) / (received + lost) : 0,
    };
  }

  close() {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.offerTimer) clearTimeout(this.offerTimer);
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.close();
  }
}

export interface MeshRoomOptions {
  client: RealtimeClient;
  eventId: string;
  participantId: string;
  iceServers: IceServer[];
  onChange: (snapshot: RoomSnapshot) => void;
}

/**
 * One participant's side of a room. The newcomer calls everyone already there; the others answer.
 * After a reconnection of the WebSocket it joins again with the same participant id: within the
 * server's grace period it keeps the media connections still up and calls only the peers it lost.
 */
export class MeshRoom {
  private readonly links = new Map<string, PeerLink>();
  private readonly participants = new Map<string, VisioParticipant>();
  private localStream = new MediaStream();
  private audioTrack: MediaStreamTrack | null = null;
  private cameraTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private phase: RoomPhase = 'idle';
  private self: VisioParticipant | null = null;
  private media: VisioMedia = { audio: false, video: false, screen: false };
  private leftReason: VisioLeaveReason | null = null;
  private errorCode: string | null = null;
  private detach: (() => void) | null = null;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private audioContext: AudioContext | null = null;
  private analyser: AnalyserNode | null = null;
  private localSpeakingUntil = 0;
  private outKbps = 0;
  private notifyScheduled = false;

  constructor(private readonly opts: MeshRoomOptions) {}

  /** Joins with what the person chose in the lobby (tracks may be absent: audio only, or listener). */
  start(stream: MediaStream | null, media: { audio: boolean; video: boolean }) {
    this.localStream = stream ?? new MediaStream();
    this.audioTrack = this.localStream.getAudioTracks()[0] ?? null;
    this.cameraTrack = this.localStream.getVideoTracks()[0] ?? null;
    if (this.audioTrack) this.audioTrack.enabled = media.audio;
    if (this.cameraTrack && !media.video) {
      this.cameraTrack.stop();
      this.localStream.removeTrack(this.cameraTrack);
      this.cameraTrack = null;
    }
    this.media = { audio: !!this.audioTrack && media.audio, video: !!this.cameraTrack, screen: false };
    this.watchLocalLevel();
    this.phase = 'joining';
    this.detach = this.opts.client.attachRoom({
      onOpen: () => this.sendJoin(),
      onDown: () => {
        if (this.phase === 'joined' || this.phase === 'joining') {
          this.phase = 'reconnecting';
          this.changed();
        }
      },
      onFrame: (f) => void this.onFrame(f).catch((err: unknown) => console.warn('[vigie] salle', err)),
    });
    this.timers.push(setInterval(() => this.pollSpeaking(), 250));
    this.timers.push(setInterval(() => void this.pollStats(), 2000));
    this.changed();
  }

  get localMediaStream(): MediaStream {
    return this.localStream;
  }

  /** The video shown for oneself: the screen while it is shared, else the camera. */
  get localVideoTrack(): MediaStreamTrack | null {
    return this.screenTrack ?? this.cameraTrack;
  }

  private sendJoin() {
    if (this.phase === 'left') return;
    this.opts.client.sendRoom({ type: 'visio.join', eventId: this.opts.eventId, participantId: this.opts.participantId, media: this.media });
  }

  signal(to: string, data: VisioSignalData) {
    this.opts.client.sendRoom({ type: 'visio.signal', eventId: this.opts.eventId, to, data });
  }

  private link(peerId: string): PeerLink {
    let l = this.links.get(peerId);
    if (!l) {
      l = new PeerLink(this, peerId, this.opts.participantId > peerId, this.opts.iceServers);
      this.links.set(peerId, l);
    }
    return l;
  }

  private call(peerId: string) {
    const l = this.link(peerId);
    l.addLocalTracks(this.audioTrack, this.localVideoTrack, this.localStream);
    // A listener with nothing to send still asks for the others' media.
    if (!this.audioTrack && !this.localVideoTrack && l.pc.getTransceivers().length === 0) {
      l.pc.addTransceiver('audio', { direction: 'recvonly' });
      l.pc.addTransceiver('video', { direction: 'recvonly' });
    }
  }

  private drop(peerId: string) {
    this.links.get(peerId)?.close();
    this.links.delete(peerId);
  }

  private async onFrame(f: RoomServerFrame) {
    if (f.eventId !== this.opts.eventId || this.phase === 'left') return;
    switch (f.type) {
      case 'visio.joined': {
        this.phase = 'joined';
        this.errorCode = null;
        this.self = f.self;
        const present = new Set(f.peers.map((p) => p.participantId));
        for (const id of [...this.links.keys()]) if (!present.has(id) || !f.resumed) this.drop(id);
        this.participants.clear();
        for (const p of f.peers) this.participants.set(p.participantId, p);
        // Someone whose connection is lost is called by them when they are back.
        for (const p of f.peers.filter((x) => x.connected)) {
          const l = this.links.get(p.participantId);
          const healthy = l && (l.pc.connectionState === 'connected' || l.pc.connectionState === 'connecting' || l.pc.connectionState === 'new');
          if (!healthy) {
            this.drop(p.participantId);
            this.call(p.participantId);
          }
        }
        this.applyBitrates();
        break;
      }
      case 'visio.peer': {
        const p = f.participant;
        if (f.op === 'left') {
          this.participants.delete(p.participantId);
          this.drop(p.participantId);
        } else {
          // A newcomer calls us; its offer may even arrive before this notice. Someone who reloaded
          // its page calls with a new link id, which replaces the old link (see 'visio.signal').
          this.participants.set(p.participantId, p);
        }
        this.applyBitrates();
        break;
      }
      case 'visio.signal': {
        const existing = this.links.get(f.from);
        // Meant for a link of ours that is gone (replaced after a reconnection): nothing to do with it.
        if (f.data.peerLink && existing?.localId !== f.data.peerLink) break;
        let l = existing ?? this.link(f.from);
        const remote = f.data.link ?? null;
        if (remote && l.remoteId && l.remoteId !== remote) {
          // The other side rebuilt its link (reloaded page, reconnection): an offer starts a new one here;
          // anything else belongs to the old one.
          if (!('description' in f.data) || f.data.description.type !== 'offer') break;
          this.drop(f.from);
          l = this.link(f.from);
        }
        if (remote) l.remoteId = remote;
        await l.onSignal(f.data, { audio: this.audioTrack, video: this.localVideoTrack, stream: this.localStream });
        break;
      }
      case 'visio.left':
        // 'left' answers our own leave; the others put us out (revoked, access withdrawn, event closed, other tab).
        if (f.reason === 'left') return;
        this.end(f.reason);
        break;
      case 'visio.error':
        this.errorCode = f.code;
        if (this.phase === 'joining' || this.phase === 'reconnecting') this.end(null);
        break;
    }
    this.changed();
  }

  /** What this participant sends, told to the others. */
  private sendMedia() {
    this.opts.client.sendRoom({ type: 'visio.media', eventId: this.opts.eventId, media: this.media });
    this.changed();
  }

  get canMicrophone(): boolean {
    return this.audioTrack !== null;
  }

  setMicrophone(on: boolean) {
    if (!this.audioTrack) return;
    this.audioTrack.enabled = on;
    this.media = { ...this.media, audio: on };
    this.sendMedia();
  }

  /** Turns the camera off (its light too) or on again; returns false when the camera cannot be had. */
  async setCamera(on: boolean): Promise<boolean> {
    if (on && !this.cameraTrack) {
      let s: MediaStream;
      try {
        s = await navigator.mediaDevices.getUserMedia({ video: VIDEO_CONSTRAINTS });
      } catch {
        return false;
      }
      this.cameraTrack = s.getVideoTracks()[0];
      this.localStream.addTrack(this.cameraTrack);
    } else if (!on && this.cameraTrack) {
      this.cameraTrack.stop();
      this.localStream.removeTrack(this.cameraTrack);
      this.cameraTrack = null;
    }
    if (!this.screenTrack) for (const l of this.links.values()) await l.setVideo(this.cameraTrack, this.localStream);
    this.media = { ...this.media, video: this.cameraTrack !== null };
    this.applyBitrates();
    this.sendMedia();
    return true;
  }

  async shareScreen(on: boolean): Promise<boolean> {
    if (on && !this.screenTrack) {
      let s: MediaStream;
      try {
        s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      } catch {
        return false;
      }
      this.screenTrack = s.getVideoTracks()[0];
      this.screenTrack.contentHint = 'detail';
      // « Arrêter le partage » of the browser's own bar.
      this.screenTrack.onended = () => void this.shareScreen(false);
    } else if (!on && this.screenTrack) {
      this.screenTrack.onended = null;
      this.screenTrack.stop();
      this.screenTrack = null;
    }
    for (const l of this.links.values()) await l.setVideo(this.localVideoTrack, this.localStream);
    this.media = { ...this.media, screen: this.screenTrack !== null };
    this.applyBitrates();
    this.sendMedia();
    return true;
  }

  applyBitrates() {
    const bps = maxBitrateFor(this.links.size);
    for (const l of this.links.values()) void l.setMaxBitrate(this.screenTrack ? Math.max(bps, 1_000_000) : bps);
  }

  /** Leaves the room (button, page closed): the others see it at once. */
  leave() {
    if (this.phase === 'left') return;
    this.opts.client.sendRoom({ type: 'visio.leave', eventId: this.opts.eventId });
    this.end('left');
  }

  private end(reason: VisioLeaveReason | null) {
    this.phase = 'left';
    this.leftReason = reason;
    for (const id of [...this.links.keys()]) this.drop(id);
    this.participants.clear();
    this.stopLocal();
    this.detach?.();
    this.detach = null;
    this.timers.forEach(clearInterval);
    this.timers = [];
    this.changed();
  }

  /** Releases everything without telling the server (unmount after leave, tests). */
  destroy() {
    if (this.phase !== 'left') this.leave();
  }

  private stopLocal() {
    for (const track of this.localStream.getTracks()) track.stop();
    this.screenTrack?.stop();
    this.audioContext?.close().catch(() => {});
    this.audioContext = null;
  }

  private watchLocalLevel() {
    if (!this.audioTrack || typeof AudioContext === 'undefined') return;
    try {
      this.audioContext = new AudioContext();
      const source = this.audioContext.createMediaStreamSource(new MediaStream([this.audioTrack]));
      this.analyser = this.audioContext.createAnalyser();
      this.analyser.fftSize = 512;
      source.connect(this.analyser);
    } catch {
      this.analyser = null;
    }
  }

  private pollSpeaking() {
    const now = performance.now();
    let changed = false;
    for (const l of this.links.values()) {
      const before = l.speakingUntil > now - 250;
      if (l.pollSpeaking(now) !== before) changed = true;
    }
    if (this.analyser && this.media.audio) {
      const data = new Uint8Array(this.analyser.fftSize);
      this.analyser.getByteTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += ((v - 128) / 128) ** 2;
      const rms = Math.sqrt(sum / data.length);
      const before = this.localSpeakingUntil > now - 250;
      if (rms > SPEAKING_LEVEL) this.localSpeakingUntil = now + SPEAKING_HOLD_MS;
      if (this.localSpeakingUntil > now !== before) changed = true;
    }
    if (changed) this.changed();
  }

  private async pollStats() {
    await Promise.all([...this.links.values()].map((l) => l.pollStats().catch(() => {})));
    this.outKbps = [...this.links.values()].reduce((s, l) => s + (l.stats?.outKbps ?? 0), 0);
    this.changed();
  }

  /** Tells the view, at most once per frame. */
  changed() {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      this.opts.onChange(this.snapshot());
    });
  }

  snapshot(): RoomSnapshot {
    const now = performance.now();
    const peers: RemoteView[] = [...this.participants.values()].map((p) => {
      const l = this.links.get(p.participantId);
      return {
        participant: p,
        stream: l?.stream ?? null,
        state: l ? l.pc.connectionState : 'waiting',
        speaking: !!l && l.speakingUntil > now && p.media.audio,
        stats: l?.stats ?? null,
      };
    });
    return {
      phase: this.phase,
      self: this.self,
      peers,
      media: this.media,
      localSpeaking: this.localSpeakingUntil > now && this.media.audio,
      outKbps: this.outKbps,
      leftReason: this.leftReason,
      errorCode: this.errorCode,
    };
  }
}

/** Front camera on a phone, a modest size (each participant sends it once per other participant). */
export const VIDEO_CONSTRAINTS: MediaTrackConstraints = { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 20, max: 24 } };
export const AUDIO_CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export type MediaProblem = 'camera_denied' | 'camera_missing' | 'camera_busy' | 'all_denied' | 'all_missing' | 'unsupported' | null;

/**
 * Camera and microphone, with the fallbacks a crisis room needs: both; else the microphone alone
 * (camera refused, absent or taken by another application); else nothing (listener).
 */
export async function acquireMedia(): Promise<{ stream: MediaStream | null; problem: MediaProblem }> {
  if (!navigator.mediaDevices?.getUserMedia) return { stream: null, problem: 'unsupported' };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: AUDIO_CONSTRAINTS, video: VIDEO_CONSTRAINTS }), problem: null };
  } catch (first) {
    const name = (first as DOMException).name;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: AUDIO_CONSTRAINTS });
      return { stream, problem: name === 'NotAllowedError' ? 'camera_denied' : name === 'NotReadableError' ? 'camera_busy' : 'camera_missing' };
    } catch (second) {
      return { stream: null, problem: (second as DOMException).name === 'NotAllowedError' ? 'all_denied' : 'all_missing' };
    }
  }
}
