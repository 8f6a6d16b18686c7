// Labels and live merging shared by the event page's PCS panels and the event map.
import type { Resource, ResourceKind, SiteKind } from '../../../shared/schemas/pcs';
import { t, type MessageKey } from '../../i18n';

const resourceKindKeys: Record<ResourceKind, MessageKey> = {
  vehicle: 'pcsEvent.kind.vehicle',
  equipment: 'pcsEvent.kind.equipment',
  room: 'pcsEvent.kind.room',
  shelter: 'pcsEvent.kind.shelter',
  team: 'pcsEvent.kind.team',
};

const siteKindKeys: Record<SiteKind, MessageKey> = {
  school: 'pcsEvent.site.school',
  daycare: 'pcsEvent.site.daycare',
  nursing_home: 'pcsEvent.site.nursing_home',
  hospital: 'pcsEvent.site.hospital',
  public_building: 'pcsEvent.site.public_building',
  industrial: 'pcsEvent.site.industrial',
  other: 'pcsEvent.site.other',
};

export function resourceKindLabel(kind: ResourceKind): string {
  return t(resourceKindKeys[kind]);
}

export function siteKindLabel(kind: SiteKind): string {
  return t(siteKindKeys[kind]);
}

/** Whether a shelter holds more people than its capacity. */
export function overCapacity(r: Pick<Resource, 'kind' | 'capacity' | 'occupancy'>): boolean {
  return r.kind === 'shelter' && r.capacity !== null && r.occupancy > r.capacity;
}

/** "45/120" for a shelter, "45" when it has no capacity; null for other kinds. */
export function occupancyLabel(r: Pick<Resource, 'kind' | 'capacity' | 'occupancy'>): string | null {
  if (r.kind !== 'shelter') return null;
  return r.capacity !== null ? `${r.occupancy}/${r.capacity}` : String(r.occupancy);
}

/**
 * The resources engaged on an event after a `resource.updated` message: added or replaced when it
 * is engaged there, removed when released (or moved elsewhere). Older versions are ignored. Returns
 * the same list when nothing changed.
 */
export function mergeEngaged(list: readonly Resource[], incoming: Resource, eventId: string): Resource[] {
  const here = incoming.status === 'engaged' && incoming.engagedEvent?.id === eventId && !incoming.archived;
  const i = list.findIndex((r) => r.id === incoming.id);
  if (i >= 0 && list[i].version > incoming.version) return list as Resource[];
  if (!here) return i >= 0 ? list.filter((r) => r.id !== incoming.id) : (list as Resource[]);
  if (i < 0) return sortResources([...list, incoming]);
  const next = [...list];
  next[i] = incoming;
  return next;
}

const kindOrder: ResourceKind[] = ['shelter', 'vehicle', 'team', 'equipment', 'room'];

/** Shelters first (their occupancy is followed), then by kind and name. */
export function sortResources(list: Resource[]): Resource[] {
  return [...list].sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || a.name.localeCompare(b.name, 'fr'));
}
