import { useCallback, useEffect, useState } from 'react';
import type { EventDetail } from '../../../shared';
import type { AudienceGrant, EventAudience, EventAudienceMode } from '../../../shared/schemas/rights';
import { api, errorMessage } from '../../api/client';
import { t } from '../../i18n';
import { Alert, RetryAlert } from '../Alert';
import { Dialog } from '../Dialog';
import { Icon } from '../Icon';
import { AudienceEditor } from './AudienceEditor';
import { grantErrors, grantFromView } from './audience';
import { useAudienceDirectory } from './useAudienceDirectory';
import './rights.css';

const rootModes = ['inherit', 'organisation', 'restricted'] as const;
// A sub-event follows its parent or restricts further: it cannot be opened beyond.
const childModes = ['inherit', 'restricted'] as const;

/**
 * Who sees an event: the audience in words and counts, "Ouvrir à toute l’organisation" in one
 * click (written in the main courante by the server), and the editor to restrict it.
 */
export function EventAudienceDialog({ event, open, onClose, onChanged }: { event: EventDetail; open: boolean; onClose: () => void; onChanged: (a: EventAudience) => void }) {
  const { directory, error: dirError } = useAudienceDirectory(open);
  const [audience, setAudience] = useState<EventAudience | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [mode, setMode] = useState<EventAudienceMode>('inherit');
  const [grants, setGrants] = useState<AudienceGrant[]>([]);
  const [lineErrors, setLineErrors] = useState<Record<number, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const isChild = !!event.parentId;

  const load = useCallback(async () => {
    try {
      setAudience(await api('getEventAudience', { params: { id: event.id } }));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [event.id]);

  useEffect(() => {
    if (!open) return;
    setEditing(false);
    setDone(null);
    setFormError(null);
    void load();
  }, [open, load]);

  function startEditing() {
    if (!audience) return;
    setMode(isChild && audience.mode === 'organisation' ? 'inherit' : audience.mode);
    setGrants(audience.grants.map(grantFromView));
    setLineErrors({});
    setFormError(null);
    setDone(null);
    setEditing(true);
  }

  async function put(nextMode: EventAudienceMode, nextGrants: AudienceGrant[], message: string) {
    setBusy(true);
    setFormError(null);
    setDone(null);
    try {
      const saved = await api('putEventAudience', { params: { id: event.id }, body: { mode: nextMode, grants: nextMode === 'restricted' ? nextGrants : [] } });
      setAudience(saved);
      setEditing(false);
      setDone(message);
      onChanged(saved);
    } catch (e) {
      setFormError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function save() {
    const check = grantErrors(mode, grants);
    setLineErrors(check.lines);
    setFormError(check.form);
    if (check.form) return;
    await put(mode, grants, t('audience.event.saved'));
  }

  const inheritHint = audience?.inheritedFrom === 'parent' ? t('audience.event.inheritParent') : t('audience.event.inheritType');

  return (
    <Dialog
      open={open}
      title={t('audience.event.title', { title: event.title })}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
          {t('action.close')}
        </button>
      }
    >
      <div className="rights-dialog" data-testid="event-audience">
        <RetryAlert message={loadError} onRetry={() => void load()} />
        {dirError ? <Alert tone="error">{dirError}</Alert> : null}
        {!audience && !loadError ? <p className="muted">{t('app.loading')}</p> : null}
        <div aria-live="polite">{done ? <Alert tone="success">{done}</Alert> : null}</div>
        {audience ? (
          <>
            <section className="rights-dialog__section" aria-labelledby="audience-now-title">
              <h3 id="audience-now-title" className="rights-dialog__title">
                {t('audience.event.now')}
              </h3>
              <div className="audience-now">
                <p className="audience-now__effective" data-testid="audience-effective">
                  <Icon name={audience.mode === 'restricted' ? 'lock' : 'eye'} size={18} /> {audience.effective}
                </p>
                <dl className="audience-now__counts">
                  <div>
                    <dt>{t('audience.event.readers')}</dt>
                    <dd data-testid="audience-readers">{audience.readers}</dd>
                  </div>
                  <div>
                    <dt>{t('audience.event.writers')}</dt>
                    <dd data-testid="audience-writers">{audience.writers}</dd>
                  </div>
                </dl>
                <p className="muted small">{t('audience.event.countsHint')}</p>
              </div>
              {!isChild && event.restricted && !editing ? (
                <div className="button-row">
                  <button
                    type="button"
                    className="button button--primary"
                    disabled={busy}
                    onClick={() => void put('organisation', [], t('audience.event.widened'))}
                  >
                    <Icon name="users" size={18} />
                    {busy ? t('audience.saving') : t('audience.event.widen')}
                  </button>
                </div>
              ) : null}
              {!isChild && event.restricted && !editing ? <p className="field__hint">{t('audience.event.widenHint')}</p> : null}
              {!editing && formError ? <Alert tone="error">{formError}</Alert> : null}
            </section>

            <section className="rights-dialog__section" aria-labelledby="audience-edit-title">
              <h3 id="audience-edit-title" className="rights-dialog__title">
                {t('audience.event.restrictTitle')}
              </h3>
              {!editing ? (
                <>
                  <p className="muted">{isChild ? t('audience.event.restrictIntroChild') : t('audience.event.restrictIntro')}</p>
                  <div className="button-row">
                    <button type="button" className="button button--secondary" onClick={startEditing} disabled={busy}>
                      <Icon name="edit" size={18} />
                      {t('audience.event.edit')}
                    </button>
                  </div>
                </>
              ) : (
                <>
                  <AudienceEditor
                    modes={isChild ? childModes : rootModes}
                    mode={mode}
                    grants={grants}
                    onChange={(m, g) => {
                      setMode(m);
                      setGrants(g);
                      setLineErrors({});
                      setFormError(null);
                    }}
                    directory={directory}
                    legend={t('audience.event.legend')}
                    hints={{ inherit: inheritHint, ...(isChild ? { restricted: t('audience.modeHint.restrictedChild') } : {}) }}
                    lineErrors={lineErrors}
                    formError={formError}
                    disabled={busy}
                  />
                  <p className="field__hint">{t('audience.event.logged')}</p>
                  <div className="button-row">
                    <button type="button" className="button button--primary" onClick={() => void save()} disabled={busy}>
                      {busy ? t('audience.saving') : t('audience.event.save')}
                    </button>
                    <button type="button" className="button button--secondary" onClick={() => setEditing(false)} disabled={busy}>
                      {t('action.cancel')}
                    </button>
                  </div>
                </>
              )}
            </section>
          </>
        ) : null}
      </div>
    </Dialog>
  );
}
