import { useState } from 'react';
import type { EventDetail } from '../../../shared';
import type { EventAudience } from '../../../shared/schemas/rights';
import { t } from '../../i18n';
import { Icon } from '../Icon';
import { EventAudienceDialog } from './EventAudienceDialog';
import { GuestLinksDialog } from './GuestLinksDialog';

/**
 * "Audience" and "Invités" buttons of the event header (people who manage the event:
 * `myAccess.manage`), with their dialogs.
 */
export function EventRightsControls({ event, onAudienceChanged }: { event: EventDetail; onAudienceChanged: (a: EventAudience) => void }) {
  const [open, setOpen] = useState<null | 'audience' | 'guests'>(null);
  if (!event.myAccess.manage) return null;
  return (
    <>
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen('audience')}>
        <Icon name="users" size={18} />
        {t('audience.event.button')}
      </button>
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen('guests')}>
        <Icon name="share" size={18} />
        {t('guests.button')}
      </button>
      <EventAudienceDialog event={event} open={open === 'audience'} onClose={() => setOpen(null)} onChanged={onAudienceChanged} />
      <GuestLinksDialog event={event} open={open === 'guests'} onClose={() => setOpen(null)} />
    </>
  );
}
