// The video tiles of a room: oneself first, then the others in their order of arrival; someone
// sharing a screen gets the large tile. A tile says who speaks, who has cut their micro or camera,
// and who is reconnecting; its corner shows the quality received.
import { useEffect, useRef } from 'react';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import type { RemoteView, RoomSnapshot } from '../../visio/mesh';

function initials(name: string): string {
  return name
    .replace(/\(.*?\)/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

function Video({ stream, muted, mirrored, hidden }: { stream: MediaStream | null; muted: boolean; mirrored?: boolean; hidden?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== stream) v.srcObject = stream;
    if (stream) void v.play().catch(() => {});
  }, [stream]);
  return <video ref={ref} className={`visio-tile__video${mirrored ? ' visio-tile__video--mirror' : ''}${hidden ? ' visio-tile__video--hidden' : ''}`} autoPlay playsInline muted={muted} />;
}

export function VisioStage({ snapshot, localTrack, selfName }: { snapshot: RoomSnapshot; localTrack: MediaStreamTrack | null; selfName: string }) {
  const localStream = useRef<MediaStream | null>(null);
  if (localTrack && localStream.current?.getVideoTracks()[0] !== localTrack) localStream.current = new MediaStream([localTrack]);
  if (!localTrack) localStream.current = null;
  const count = snapshot.peers.length + 1;
  const sharing = snapshot.peers.find((p) => p.participant.media.screen && p.participant.connected);
  return (
    <section className={`visio-stage visio-stage--n${Math.min(count, 9)}${sharing ? ' visio-stage--sharing' : ''}`} aria-label={t('visio.title')}>
      <div className={`visio-tile visio-tile--self${snapshot.localSpeaking ? ' visio-tile--speaking' : ''}`} data-participant={snapshot.self?.participantId} data-self="true">
        {snapshot.media.video || snapshot.media.screen ? (
          <Video stream={localStream.current} muted mirrored={!snapshot.media.screen} />
        ) : (
          <div className="visio-tile__avatar" aria-hidden="true">
            {initials(selfName)}
          </div>
        )}
        <TileLabel name={t('visio.you', { name: selfName })} audio={snapshot.media.audio} video={snapshot.media.video} screen={snapshot.media.screen} speaking={snapshot.localSpeaking} />
        {snapshot.outKbps > 0 ? <span className="visio-tile__quality">{t('visio.out', { kbps: Math.round(snapshot.outKbps) })}</span> : null}
      </div>
      {snapshot.peers.map((p) => (
        <PeerTile key={p.participant.participantId} view={p} large={p === sharing} />
      ))}
      {count === 1 ? <p className="visio-stage__alone">{t('visio.alone')}</p> : null}
    </section>
  );
}

function PeerTile({ view, large }: { view: RemoteView; large: boolean }) {
  const p = view.participant;
  const showVideo = (p.media.video || p.media.screen) && view.stream !== null;
  const linkUp = view.state === 'connected';
  return (
    <div
      className={`visio-tile${view.speaking ? ' visio-tile--speaking' : ''}${large ? ' visio-tile--large' : ''}`}
      data-participant={p.participantId}
      data-state={view.state}
      data-connected={String(p.connected)}
      data-speaking={String(view.speaking)}
    >
      {/* The element plays the sound even when the camera is off. */}
      <Video stream={view.stream} muted={false} hidden={!showVideo} />
      {!showVideo ? (
        <div className="visio-tile__avatar" aria-hidden="true">
          {initials(p.name)}
        </div>
      ) : null}
      <TileLabel name={p.name} audio={p.media.audio} video={p.media.video} screen={p.media.screen} speaking={view.speaking} />
      {!p.connected ? (
        <span className="visio-tile__status">{t('visio.reconnecting')}</span>
      ) : !linkUp ? (
        <span className="visio-tile__status">{view.state === 'disconnected' || view.state === 'failed' ? t('visio.reconnecting') : t('visio.connecting')}</span>
      ) : null}
      {view.stats && linkUp ? (
        <span className="visio-tile__quality" data-frames-decoded={view.stats.framesDecoded}>
          {t('visio.quality', { kbps: Math.round(view.stats.inKbps), fps: Math.round(view.stats.framesPerSecond) })}
        </span>
      ) : null}
    </div>
  );
}

function TileLabel(props: { name: string; audio: boolean; video: boolean; screen: boolean; speaking: boolean }) {
  return (
    <div className="visio-tile__label">
      {props.audio ? null : <Icon name="micOff" className="visio-tile__icon" />}
      <span className="visio-tile__name">{props.name}</span>
      {props.screen ? <span className="visio-tile__tag">{t('visio.sharing')}</span> : null}
      {props.speaking ? <span className="visually-hidden">{t('visio.speaking')}</span> : null}
      {!props.audio ? <span className="visually-hidden">{t('visio.muted')}</span> : null}
      {!props.video && !props.screen ? <span className="visually-hidden">{t('visio.cameraOff')}</span> : null}
    </div>
  );
}
