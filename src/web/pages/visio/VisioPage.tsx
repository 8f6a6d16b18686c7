// The virtual room of an event (/evenements/:id/salle): a lobby (camera preview, who is already
// there), then the room — video tiles, controls (micro, camera, screen, leave), the participants
// and the chat, whose messages can be copied into the main courante. Opened from the event page
// (same tab or a new one) or straight from a guest's link (/invite?salle#…).
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { topicOf } from '../../../shared';
import type { EventDetail } from '../../../shared/schemas/logbook';
import type { VisioMessage, VisioRoom } from '../../../shared/schemas/visio';
import { api, errorMessage } from '../../api/client';
import { useRealtimeStatus, useRealtimeTopic } from '../../api/realtime';
import { Alert, RetryAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { useCopy } from '../../components/useCopy';
import { t, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';
import { acquireMedia, type MediaProblem } from '../../visio/mesh';
import { useMeshRoom } from './useMeshRoom';
import { VisioStage } from './VisioStage';
import { VisioSide, type SidePanel } from './VisioSide';
import { errorMessages, type ErrorCode } from '../../../shared/errors';
import './visio.css';

export function VisioPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const [event, setEvent] = useState<EventDetail | null>(null);
  const [room, setRoom] = useState<VisioRoom | null>(null);
  const [messages, setMessages] = useState<VisioMessage[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ stream: MediaStream | null; problem: MediaProblem } | null>(null);
  const [want, setWant] = useState({ audio: true, video: true });
  const [panel, setPanel] = useState<SidePanel | null>(() => (typeof window !== 'undefined' && window.innerWidth >= 1024 ? 'people' : null));
  const [unread, setUnread] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const realtime = useRealtimeStatus();
  const { room: mesh, snapshot, join, reset } = useMeshRoom(id, room?.iceServers ?? null);
  const copy = useCopy();
  usePageTitle(event ? t('visio.pageTitle', { event: event.title }) : t('visio.title'));

  const load = useCallback(async () => {
    try {
      const [e, r] = await Promise.all([api('getEvent', { params: { id } }), api('getVisioRoom', { params: { id } })]);
      setEvent(e);
      setRoom(r);
      setMessages(r.messages);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, [id]);
  useEffect(() => void load(), [load]);

  // The chat (and who is in the room, for the lobby) follow the event's topic.
  const panelRef = useRef(panel);
  panelRef.current = panel;
  useRealtimeTopic(id ? topicOf('event', id) : null, {
    onEvent: (ev) => {
      if (ev.kind === 'visio.message') {
        setMessages((list) => {
          const i = list.findIndex((m) => m.id === ev.message.id);
          if (i >= 0) return list.map((m) => (m.id === ev.message.id ? ev.message : m));
          if (panelRef.current !== 'chat') setUnread((n) => n + 1);
          return [...list, ev.message];
        });
      } else if (ev.kind === 'event.updated') {
        setEvent((e) => (e ? { ...e, ...ev.event } : e));
      }
    },
    onResync: () => void load(),
  });

  // The lobby asks for the camera and the microphone at once (the preview shows what will be sent).
  const inLobby = !snapshot || snapshot.phase === 'idle';
  useEffect(() => {
    if (!inLobby || preview || !room?.open) return;
    let cancelled = false;
    void acquireMedia().then((p) => {
      if (cancelled) p.stream?.getTracks().forEach((tr) => tr.stop());
      else setPreview(p);
    });
    return () => {
      cancelled = true;
    };
  }, [inLobby, preview, room?.open]);
  // A preview not handed to the room is released (camera light off) when replaced or on leaving the page.
  const handedOver = useRef<MediaStream | null>(null);
  useEffect(
    () => () => {
      if (preview?.stream && preview.stream !== handedOver.current) preview.stream.getTracks().forEach((tr) => tr.stop());
    },
    [preview],
  );

  function enter() {
    if (!preview) return;
    const started = join(preview.stream, { audio: want.audio && !!preview.stream?.getAudioTracks().length, video: want.video && !!preview.stream?.getVideoTracks().length });
    // The stream now belongs to the room (it stops it when leaving).
    if (started) {
      handedOver.current = preview.stream;
      setPreview({ stream: null, problem: preview.problem });
    }
  }

  function rejoin() {
    reset();
    setPreview(null);
    void load();
  }

  if (loadError) return <RetryAlert message={loadError} onRetry={() => void load()} />;
  if (!event || !room) return <p className="visio__loading">{t('visio.loading')}</p>;

  const roomUrl = `${window.location.origin}/evenements/${id}/salle`;
  const phase = snapshot?.phase ?? 'idle';
  const joined = phase === 'joined' || phase === 'reconnecting' || phase === 'joining';
  const errorCode = snapshot?.errorCode ?? null;

  return (
    <div className={`visio${joined ? ' visio--live' : ''}`} data-phase={phase}>
      <header className="visio__head">
        <Link to={`/evenements/${id}`} className="visio__back">
          <Icon name="arrow" className="visio__back-icon" /> {t('visio.back')}
        </Link>
        <h1 className="visio__title">
          {t('visio.title')} <span className="visio__event">— {event.title}</span>
        </h1>
        {!session.guest ? (
          <button type="button" className="button button--secondary button--small visio__copy" onClick={() => void copy.copy(roomUrl)}>
            <Icon name="copy" /> {copy.copied ? t('visio.linkCopied') : t('visio.copyLink')}
          </button>
        ) : null}
      </header>

      {!room.open || event.status === 'closed' ? <Alert tone="info">{t('visio.closed')}</Alert> : null}
      {errorCode ? <Alert tone="error">{errorMessages[errorCode as ErrorCode] ?? errorCode}</Alert> : null}
      {notice ? <Alert tone="info">{notice}</Alert> : null}

      {room.open && event.status !== 'closed' && phase === 'idle' ? (
        <Lobby room={room} preview={preview} want={want} onWant={setWant} onJoin={enter} guest={!!session.guest} />
      ) : null}

      {phase === 'left' ? (
        <div className="visio__ended">
          <Alert tone={snapshot?.leftReason === 'left' ? 'info' : 'error'}>{t(`visio.left.${snapshot?.leftReason ?? 'left'}` as MessageKey)}</Alert>
          {room.open && event.status !== 'closed' && snapshot?.leftReason !== 'access_lost' && snapshot?.leftReason !== 'session_ended' ? (
            <button type="button" className="button button--primary" onClick={rejoin}>
              {t('visio.rejoin')}
            </button>
          ) : null}
        </div>
      ) : null}

      {joined && snapshot && mesh ? (
        <>
          {phase === 'reconnecting' || realtime === 'reconnecting' ? <Alert tone="warning">{t('visio.selfReconnecting')}</Alert> : null}
          <div className={`visio__main${panel ? ' visio__main--panel' : ''}`}>
            <VisioStage snapshot={snapshot} localTrack={mesh.localVideoTrack} selfName={session.user.displayName} />
            {panel ? (
              <VisioSide
                panel={panel}
                onPanel={(p) => {
                  setPanel(p);
                  if (p === 'chat') setUnread(0);
                }}
                snapshot={snapshot}
                selfName={session.user.displayName}
                eventId={id}
                messages={messages}
                onMessage={(m) => setMessages((list) => (list.some((x) => x.id === m.id) ? list.map((x) => (x.id === m.id ? m : x)) : [...list, m]))}
                canCopy={room.canCopyToLogbook}
                onClose={() => setPanel(null)}
              />
            ) : null}
          </div>
          <Controls
            media={snapshot.media}
            canMic={mesh.canMicrophone}
            people={snapshot.peers.length + 1}
            unread={unread}
            panel={panel}
            onMic={() => mesh.setMicrophone(!snapshot.media.audio)}
            onCamera={async () => {
              const ok = await mesh.setCamera(!snapshot.media.video);
              setNotice(ok ? null : t('visio.media.cameraFailed'));
            }}
            onScreen={async () => {
              const ok = await mesh.shareScreen(!snapshot.media.screen);
              setNotice(ok ? null : t('visio.media.screenFailed'));
            }}
            onPanel={(p) => {
              setPanel(panel === p ? null : p);
              if (p === 'chat') setUnread(0);
            }}
            onLeave={() => mesh.leave()}
          />
        </>
      ) : null}
    </div>
  );
}

function Lobby(props: {
  room: VisioRoom;
  preview: { stream: MediaStream | null; problem: MediaProblem } | null;
  want: { audio: boolean; video: boolean };
  onWant: (w: { audio: boolean; video: boolean }) => void;
  onJoin: () => void;
  guest: boolean;
}) {
  const { room, preview, want } = props;
  const videoRef = useRef<HTMLVideoElement>(null);
  const hasVideo = !!preview?.stream?.getVideoTracks().length;
  const hasAudio = !!preview?.stream?.getAudioTracks().length;
  useEffect(() => {
    if (videoRef.current) videoRef.current.srcObject = hasVideo && want.video ? preview!.stream : null;
  }, [preview, hasVideo, want.video]);
  const full = room.participants.length >= room.maxParticipants;
  const names = room.participants.map((p) => p.name).join(', ');
  return (
    <section className="visio-lobby" aria-label={t('visio.title')}>
      <div className={`visio-lobby__preview${hasVideo && want.video ? '' : ' visio-lobby__preview--none'}`}>
        {hasVideo && want.video ? (
          <video ref={videoRef} className="visio-lobby__video" autoPlay playsInline muted aria-label={t('visio.lobby.preview')} />
        ) : (
          <div className="visio-lobby__novideo">
            <Icon name="videoOff" />
          </div>
        )}
      </div>
      <div className="visio-lobby__side">
        <p className="visio-lobby__intro">{t('visio.lobby.intro')}</p>
        {!preview ? <p className="muted">{t('visio.lobby.asking')}</p> : null}
        {preview?.problem ? <Alert tone="warning">{t(`visio.media.${preview.problem}` as MessageKey)}</Alert> : null}
        {props.guest ? <p className="muted">{t('visio.lobby.guestNotice')}</p> : null}
        <div className="visio-lobby__toggles">
          <label className="check">
            <input type="checkbox" checked={want.audio && hasAudio} disabled={!hasAudio} onChange={(e) => props.onWant({ ...want, audio: e.target.checked })} /> {t('visio.ctl.micShort')}
          </label>
          <label className="check">
            <input type="checkbox" checked={want.video && hasVideo} disabled={!hasVideo} onChange={(e) => props.onWant({ ...want, video: e.target.checked })} /> {t('visio.ctl.camShort')}
          </label>
        </div>
        <p className="visio-lobby__who" data-testid="lobby-who">
          {room.participants.length ? t('visio.lobby.inRoom', { names }) : t('visio.lobby.empty')}
        </p>
        {full ? <Alert tone="warning">{t('visio.lobby.full', { max: room.maxParticipants })}</Alert> : null}
        <button type="button" className="button button--primary visio-lobby__join" onClick={props.onJoin} disabled={!preview || full}>
          <Icon name="video" /> {t('visio.lobby.join')}
        </button>
      </div>
    </section>
  );
}

function Controls(props: {
  media: { audio: boolean; video: boolean; screen: boolean };
  canMic: boolean;
  people: number;
  unread: number;
  panel: SidePanel | null;
  onMic: () => void;
  onCamera: () => void;
  onScreen: () => void;
  onPanel: (p: SidePanel) => void;
  onLeave: () => void;
}) {
  const { media } = props;
  const canShare = typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  return (
    <nav className="visio-controls" aria-label={t('visio.title')}>
      <button type="button" className={`visio-ctl${media.audio ? '' : ' visio-ctl--off'}`} aria-pressed={media.audio} disabled={!props.canMic} onClick={props.onMic} aria-label={media.audio ? t('visio.ctl.micOn') : t('visio.ctl.micOff')} title={media.audio ? t('visio.ctl.micOn') : t('visio.ctl.micOff')}>
        <Icon name={media.audio ? 'mic' : 'micOff'} />
        <span className="visio-ctl__label">{t('visio.ctl.micShort')}</span>
      </button>
      <button type="button" className={`visio-ctl${media.video ? '' : ' visio-ctl--off'}`} aria-pressed={media.video} onClick={props.onCamera} aria-label={media.video ? t('visio.ctl.camOn') : t('visio.ctl.camOff')} title={media.video ? t('visio.ctl.camOn') : t('visio.ctl.camOff')}>
        <Icon name={media.video ? 'video' : 'videoOff'} />
        <span className="visio-ctl__label">{t('visio.ctl.camShort')}</span>
      </button>
      {canShare ? (
        <button type="button" className={`visio-ctl visio-ctl--screen${media.screen ? ' visio-ctl--active' : ''}`} aria-pressed={media.screen} onClick={props.onScreen} aria-label={media.screen ? t('visio.ctl.screenOn') : t('visio.ctl.screenOff')} title={media.screen ? t('visio.ctl.screenOn') : t('visio.ctl.screenOff')}>
          <Icon name="screen" />
          <span className="visio-ctl__label">{t('visio.ctl.screenShort')}</span>
        </button>
      ) : null}
      <button type="button" className={`visio-ctl${props.panel === 'people' ? ' visio-ctl--active' : ''}`} aria-pressed={props.panel === 'people'} onClick={() => props.onPanel('people')} aria-label={t('visio.ctl.people', { count: props.people })}>
        <Icon name="users" />
        <span className="visio-ctl__label">{props.people}</span>
      </button>
      <button type="button" className={`visio-ctl${props.panel === 'chat' ? ' visio-ctl--active' : ''}`} aria-pressed={props.panel === 'chat'} onClick={() => props.onPanel('chat')} aria-label={props.unread ? t('visio.ctl.chatUnread', { count: props.unread }) : t('visio.ctl.chat')}>
        <Icon name="chat" />
        <span className="visio-ctl__label">{t('visio.ctl.chat')}</span>
        {props.unread ? <span className="visio-ctl__badge">{props.unread}</span> : null}
      </button>
      <button type="button" className="visio-ctl visio-ctl--leave" onClick={props.onLeave} aria-label={t('visio.ctl.leave')}>
        <Icon name="phoneOff" />
        <span className="visio-ctl__label">{t('visio.ctl.leave')}</span>
      </button>
    </nav>
  );
}
