// Registry of the shell's navigation entries. Each capability (main courante, collecte, carte...)
// registers its entries here; the shell shows only those the user's permissions allow.

import type { OrganisationKind, Permission } from '../shared';
import type { MessageKey } from './i18n';
import type { IconName } from './components/Icon';

export type NavSection = 'main' | 'admin';

export interface NavEntry {
  /** Route path (absolute). */
  path: string;
  /** Catalogue key of the label. */
  label: MessageKey;
  icon?: IconName;
  /** Required permission; none means every signed-in user. */
  permission?: Permission;
  section?: NavSection;
  /** Sort order inside the section (lower first). */
  order?: number;
  /** Highlight only on exact path match (the home page). */
  end?: boolean;
  /** Only for these kinds of organisation (a prefecture's pages); every kind when absent. */
  organisationKinds?: readonly OrganisationKind[];
}

const entries: NavEntry[] = [];

export function registerNav(...items: NavEntry[]): void {
  for (const item of items) {
    const i = entries.findIndex((e) => e.path === item.path);
    if (i >= 0) entries[i] = item;
    else entries.push(item);
  }
}

export function navEntries(): readonly NavEntry[] {
  return entries;
}

export function isAllowed(entry: Pick<NavEntry, 'permission'>, permissions: readonly Permission[]): boolean {
  return !entry.permission || permissions.includes(entry.permission);
}

/** Visible entries grouped by section, in order. */
export function visibleNav(permissions: readonly Permission[], kind?: OrganisationKind): { section: NavSection; entries: NavEntry[] }[] {
  const sections: NavSection[] = ['main', 'admin'];
  return sections
    .map((section) => ({
      section,
      entries: entries
        .filter((e) => (e.section ?? 'main') === section && isAllowed(e, permissions) && (!e.organisationKinds || !kind || e.organisationKinds.includes(kind)))
        .sort((a, b) => (a.order ?? 100) - (b.order ?? 100)),
    }))
    .filter((g) => g.entries.length > 0);
}

/** The permission a path needs, from the registry (longest matching prefix). */
export function entryForPath(pathname: string): NavEntry | undefined {
  return [...entries]
    .filter((e) => pathname === e.path || (e.path !== '/' && pathname.startsWith(`${e.path}/`)))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

// Built-in entries of the foundation.
registerNav(
  { path: '/', label: 'nav.home', icon: 'home', section: 'main', order: 0, end: true },
  { path: '/administration/utilisateurs', label: 'nav.users', icon: 'users', permission: 'users.read', section: 'admin', order: 10 },
  { path: '/administration/journal', label: 'nav.audit', icon: 'audit', permission: 'audit.read', section: 'admin', order: 20 },
  { path: '/administration/partages', label: 'nav.shares', icon: 'share', permission: 'shares.read', section: 'admin', order: 30 },
);

// Main courante: events first in the menu, then search; catalogues in the administration.
registerNav(
  { path: '/evenements', label: 'nav.events', icon: 'flag', permission: 'events.read', section: 'main', order: -10 },
  { path: '/recherche', label: 'nav.search', icon: 'search', permission: 'events.read', section: 'main', order: 20 },
  { path: '/actions', label: 'actions.nav', icon: 'check', permission: 'events.read', section: 'main', order: -5 },
  { path: '/administration/catalogues', label: 'nav.catalogues', icon: 'list', permission: 'logbookCatalogue.manage', section: 'admin', order: 5 },
);

// Collecte: the prefecture follows its campaigns, a commune reaches its declaration form.
registerNav(
  { path: '/collecte', label: 'nav.collection', icon: 'list', permission: 'collection.read', section: 'main', order: 5 },
  { path: '/collecte/communes', label: 'nav.contacts', icon: 'users', permission: 'communes.onboard', section: 'admin', order: 8, organisationKinds: ['prefecture'] },
);

// Rights: who sees each event type (administrators).
registerNav({ path: '/administration/droits', label: 'audience.nav', icon: 'lock', permission: 'eventTypes.manage', section: 'admin', order: 6 });

// Map layers: the organisation's GIS layers shown on every event's map (administrators, coordinators).
registerNav({ path: '/administration/couches', label: 'mapAdmin.nav', icon: 'map', permission: 'mapLayers.manage', section: 'admin', order: 7 });
