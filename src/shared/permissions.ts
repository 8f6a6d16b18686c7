// The one permission model of Vigie. Routes declare the permission they need (route table in
// ./routes.ts); services then ask the policy of their module about the specific resource.

export const roles = ['administrator', 'coordinator', 'contributor', 'reader'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  administrator: 'Administrateur',
  coordinator: 'Coordinateur',
  contributor: 'Contributeur',
  reader: 'Lecteur',
};

export const organisationKinds = ['commune', 'prefecture', 'partner'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const organisationKindLabels: Record<OrganisationKind, string> = {
  commune: 'Commune',
  prefecture: 'Préfecture',
  partner: 'Service partenaire',
};

export const permissions = [
  'organisation.read',
  'territory.read',
  'users.read',
  'users.manage',
  'audit.read',
  'shares.read',
  'shares.manage',
  'announcements.read',
  'announcements.publish',
  'realtime.subscribe',
  'events.read',
  'events.manage',
  'events.reopen',
  'eventTypes.manage',
  'logbook.write',
  'logbookCatalogue.manage',
  'collection.read',
  'collection.declare',
  'campaigns.manage',
  'communes.onboard',
  'mapLayers.manage',
  'plan.manage',
  'resources.engage',
  'vulnerable.access',
] as const;
export type Permission = (typeof permissions)[number];

// Map layers (`mapLayers.manage`): the organisation's GIS layers, shared by its events or attached to
// one, are added, restyled and removed by administrators and coordinators; everyone who sees an
// event sees its map. Perimeters drawn for an event are writes in the event (`logbook.write`).
// Collection (collecte): the permission says what a role may do (`communes.onboard`: invite the
// contacts of the department's communes, a prefecture's task); whose campaign or commune it is
// is decided by the collection policy (a prefecture runs its campaigns, a commune sees those that
// ask it and writes only its own declarations).
// Plan communal de sauvegarde: everyone of the organisation reads the plan (risks, reflex sheets,
// directory, resources, sites); administrators and coordinators keep it (`plan.manage`, imports);
// engaging and releasing resources in an event is for whoever writes in it as a member
// (`resources.engage`, never a guest). The register of vulnerable people is personal data: only the
// roles holding `vulnerable.access` (administrators, coordinators) read or change it, every read is
// audited, and nothing else (plan export, search, main courante) ever carries it.
const everyone: Permission[] = ['organisation.read', 'territory.read', 'announcements.read', 'realtime.subscribe', 'events.read', 'collection.read'];

export const rolePermissions: Record<Role, ReadonlySet<Permission>> = {
  administrator: new Set<Permission>([
    ...everyone,
    'users.read',
    'users.manage',
    'audit.read',
    'shares.read',
    'shares.manage',
    'announcements.publish',
    'events.manage',
    'events.reopen',
    'eventTypes.manage',
    'logbook.write',
    'logbookCatalogue.manage',
    'collection.declare',
    'campaigns.manage',
    'communes.onboard',
    'mapLayers.manage',
    'plan.manage',
    'resources.engage',
    'vulnerable.access',
  ]),
  // Coordinators run events: create, update and close them, manage tags and functions.
  coordinator: new Set<Permission>([...everyone, 'users.read', 'shares.read', 'announcements.publish', 'events.manage', 'logbook.write', 'logbookCatalogue.manage', 'collection.declare', 'campaigns.manage', 'communes.onboard', 'mapLayers.manage', 'plan.manage', 'resources.engage', 'vulnerable.access']),
  contributor: new Set<Permission>([...everyone, 'logbook.write', 'collection.declare', 'resources.engage']),
  reader: new Set<Permission>([...everyone]),
};

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].has(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return permissions.filter((p) => rolePermissions[role].has(p));
}

/** What a route requires: nobody (public), any signed-in user, or one permission. */
export type RouteAccess = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'permission'; permission: Permission };
