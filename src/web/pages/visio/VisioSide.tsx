// The side panel of a room: the participants (who speaks, micro, camera, connection) and the chat,
// whose messages a person who writes in the main courante copies there in one click.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { VisioMessage } from '../../../shared/schemas/visio';
import { VISIO_MESSAGE_MAX } from '../../../shared/schemas/visio';
import { api, errorMessage } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { formatTime, t } from '../../i18n';
import type { RoomSnapshot } from '../../visio/mesh';

export type SidePanel = 'people' | 'chat';

export function VisioSide(props: {
  panel: SidePanel;
  onPanel: (p: SidePanel) => void;
  onClose: () => void;
  snapshot: RoomSnapshot;
  selfName: string;
  eventId: string;
  messages: VisioMessage[];
  onMessage: (m: VisioMessage) => void;
  canCopy: boolean;
}) {
  const { panel } = props;
  return (
    <aside className="visio-side" aria-label={panel === 'chat' ? t('visio.chat.title') : t('visio.people.title')}>
      <div className="visio-side__tabs" role="tablist">
        <button type="button" role="tab" aria-selected={panel === 'people'} className="visio-side__tab" onClick={() => props.onPanel('people')}>
          {t('visio.people.title')} ({props.snapshot.peers.length + 1})
        </button>
        <button type="button" role="tab" aria-selected={panel === 'chat'} className="visio-side__tab" onClick={() => props.onPanel('chat')}>
          {t('visio.chat.title')}
        </button>
        <button type="button" className="icon-button visio-side__close" onClick={props.onClose} aria-label={t('action.close')}>
          <Icon name="close" />
        </button>
      </div>
      {panel === 'people' ? <People snapshot={props.snapshot} selfName={props.selfName} /> : <Chat {...props} />}
    </aside>
  );
}

function People({ snapshot, selfName }: { snapshot: RoomSnapshot; selfName: string }) {
  const rows = [
    { id: snapshot.self?.participantId ?? 'self', name: t('visio.you', { name: selfName }), media: snapshot.media, speaking: snapshot.localSpeaking, connected: true },
    ...snapshot.peers.map((p) => ({ id: p.participant.participantId, name: p.participant.name, media: p.participant.media, speaking: p.speaking, connected: p.participant.connected })),
  ];
  return (
    <ul className="visio-people" data-testid="visio-people">
      {rows.map((r) => (
        <li key={r.id} className={`visio-people__row${r.speaking ? ' visio-people__row--speaking' : ''}`} data-participant={r.id}>
          <span className="visio-people__dot" aria-hidden="true" />
          <span className="visio-people__name">{r.name}</span>
          {r.speaking ? <span className="visio-people__speaking">{t('visio.speaking')}</span> : null}
          {!r.connected ? <span className="visio-people__state">{t('visio.reconnecting')}</span> : null}
          <Icon name={r.media.audio ? 'mic' : 'micOff'} className={`visio-people__icon${r.media.audio ? '' : ' visio-people__icon--off'}`} />
          <span className="visually-hidden">{r.media.audio ? '' : t('visio.muted')}</span>
          <Icon name={r.media.video || r.media.screen ? (r.media.screen ? 'screen' : 'video') : 'videoOff'} className={`visio-people__icon${r.media.video || r.media.screen ? '' : ' visio-people__icon--off'}`} />
          <span className="visually-hidden">{r.media.video ? '' : t('visio.cameraOff')}</span>
        </li>
      ))}
    </ul>
  );
}

function Chat(props: { eventId: string; messages: VisioMessage[]; onMessage: (m: VisioMessage) => void; canCopy: boolean }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [props.messages.length]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    try {
      props.onMessage(await api('postVisioMessage', { params: { id: props.eventId }, body: { body: text } }));
      setText('');
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function copy(m: VisioMessage) {
    try {
      const r = await api('copyVisioMessage', { params: { id: props.eventId, messageId: m.id } });
      props.onMessage(r.message);
      setDone(t('visio.chat.copyDone', { seq: r.entry.seq }));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="visio-chat">
      <ol className="visio-chat__list" ref={listRef} aria-live="polite">
        {props.messages.length === 0 ? <li className="muted visio-chat__empty">{t('visio.chat.empty')}</li> : null}
        {props.messages.map((m) => (
          <li key={m.id} className="visio-chat__msg" data-message={m.id}>
            <div className="visio-chat__meta">
              <strong>{m.authorName}</strong> <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
            </div>
            <p className="visio-chat__body">{m.body}</p>
            {m.entryId ? (
              <p className="visio-chat__copied">
                <Icon name="check" /> {t('visio.chat.copied', { seq: m.entrySeq ?? '?' })} {m.copiedByName ? t('visio.chat.copiedBy', { name: m.copiedByName }) : null}
              </p>
            ) : props.canCopy ? (
              <button type="button" className="link-button visio-chat__copy" onClick={() => void copy(m)}>
                <Icon name="copy" /> {t('visio.chat.copy')}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {done ? <Alert tone="success">{done}</Alert> : null}
      <form className="visio-chat__form" onSubmit={(e) => void submit(e)}>
        <label className="visually-hidden" htmlFor="visio-chat-input">
          {t('visio.chat.label')}
        </label>
        <input id="visio-chat-input" className="input" value={text} maxLength={VISIO_MESSAGE_MAX} placeholder={t('visio.chat.placeholder')} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        <button type="submit" className="button button--primary" disabled={busy || !text.trim()}>
          {t('visio.chat.send')}
        </button>
      </form>
    </div>
  );
}
