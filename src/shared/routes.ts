import type { z } from 'zod';
import type { Permission, RouteAccess } from './permissions';
import { changePasswordBodySchema, loginBodySchema, sessionSchema } from './schemas/auth';
import { idParamsSchema } from './schemas/common';
import {
  createUserBodySchema,
  updateUserBodySchema,
  userSchema,
  usersListSchema,
  userWithTemporaryPasswordSchema,
} from './schemas/users';
import { createShareBodySchema, organisationsListSchema, shareSchema, sharesListSchema } from './schemas/organisations';
import {
  announcementSchema,
  announcementsListSchema,
  announcementsQuerySchema,
  createAnnouncementBodySchema,
} from './schemas/announcements';
import { auditListSchema, auditQuerySchema } from './schemas/audit';
import { departmentCodeParamsSchema, departmentSchema } from './schemas/territory';
import { healthSchema } from './schemas/health';
import {
  catalogueItemSchema,
  catalogueListSchema,
  createCatalogueItemBodySchema,
  createEntryBodySchema,
  createEventBodySchema,
  entriesPageSchema,
  entriesQuerySchema,
  entrySchema,
  eventDetailSchema,
  eventsListSchema,
  eventsQuerySchema,
  reopenEventBodySchema,
  searchQuerySchema,
  searchResultsSchema,
  updateCatalogueItemBodySchema,
  updateEventBodySchema,
  verifyResultSchema,
  attachmentSchema,
  exportQuerySchema,
} from './schemas/logbook';
import {
  campaignDetailSchema,
  campaignsListSchema,
  completenessQuerySchema,
  completenessSchema,
  createCampaignBodySchema,
  declarationHistorySchema,
  declarationParamsSchema,
  declarationSchema,
  declarationsListSchema,
  declarationsQuerySchema,
  detectionQuerySchema,
  detectionSchema,
  putDeclarationBodySchema,
  updateCampaignBodySchema,
  overviewQuerySchema,
  overviewSchema,
  totalsQuerySchema,
  totalsSchema,
  reportQuerySchema,
  collectionExportQuerySchema,
  importQuerySchema,
  importResultSchema,
} from './schemas/collection';
import {
  assigneesSchema,
  createdGuestLinkSchema,
  createGuestLinkBodySchema,
  eventAudienceSchema,
  guestCheckBodySchema,
  guestInvitationSchema,
  guestJoinBodySchema,
  guestLinkSchema,
  guestLinksListSchema,
  putEventAudienceBodySchema,
  putTypeAudienceBodySchema,
  typeAudienceSchema,
} from './schemas/rights';
import { putSituationBodySchema, putSituationFormBodySchema, situationFormSchema, situationSchema } from './schemas/situation';
import { actionSchema, actionsListSchema, actionsQuerySchema, changeActionStatusBodySchema } from './schemas/actions';
import {
  createPerimeterBodySchema,
  createRemoteMapLayerBodySchema,
  eventMapSettingsSchema,
  mapLayerSchema,
  mapLayersListSchema,
  mapLayersQuerySchema,
  perimeterSchema,
  perimetersListSchema,
  remoteFeaturesQuerySchema,
  updateMapLayerBodySchema,
  updatePerimeterBodySchema,
  uploadMapLayerQuerySchema,
  wmsImageQuerySchema,
} from './schemas/map';
import {
  activateBodySchema,
  activationCheckBodySchema,
  activationInfoSchema,
  contactsImportResultSchema,
  contactsListSchema,
  renewLinkResultSchema,
} from './schemas/onboarding';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * One entry per HTTP route of the API. The server registers routes only through this table
 * (an unknown /api route fails at start), the web client builds its typed calls from it, and
 * the integration suite walks it: access, cross-organisation isolation and bad input.
 */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  access: RouteAccess;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Rate limit per client address, requests per minute (on top of the global limit). */
  rateLimitPerMinute?: number;
  /** The body is multipart/form-data with one file (uploads), not JSON. */
  multipart?: true;
  /** The response is not JSON but one of these media types (downloads, exports, GeoJSON). */
  produces?: readonly string[];
  /**
   * A guest invited to one event by link may call this route: `read` with any link, `write` with a
   * contributor's link. Every other route answers `guest_forbidden` to a guest.
   */
  guest?: 'read' | 'write';
}

const perm = (permission: Permission): RouteAccess => ({ kind: 'permission', permission });
const authenticated: RouteAccess = { kind: 'authenticated' };
const publicAccess: RouteAccess = { kind: 'public' };

export const routes = {
  health: { method: 'GET', path: '/api/health', access: publicAccess, summary: 'État du service', response: healthSchema },

  login: {
    method: 'POST',
    path: '/api/auth/login',
    access: publicAccess,
    summary: 'Connexion',
    body: loginBodySchema,
    response: sessionSchema,
    rateLimitPerMinute: 30,
  },
  session: { method: 'GET', path: '/api/auth/session', access: authenticated, guest: 'read', summary: 'Session courante', response: sessionSchema },
  logout: { method: 'POST', path: '/api/auth/logout', access: authenticated, guest: 'read', summary: 'Déconnexion' },
  logoutAll: { method: 'POST', path: '/api/auth/logout-all', access: authenticated, summary: 'Déconnexion de toutes les sessions' },
  changePassword: {
    method: 'POST',
    path: '/api/auth/password',
    access: authenticated,
    summary: 'Changement de mot de passe',
    body: changePasswordBodySchema,
    response: sessionSchema,
    rateLimitPerMinute: 10,
  },

  listOrganisations: {
    method: 'GET',
    path: '/api/organisations',
    access: perm('organisation.read'),
    summary: 'Annuaire des organisations (nom, type, code INSEE ou de département ; aucune donnée interne)',
    response: organisationsListSchema,
  },

  listUsers: { method: 'GET', path: '/api/users', access: perm('users.read'), summary: 'Comptes de l’organisation', response: usersListSchema },
  getUser: { method: 'GET', path: '/api/users/:id', access: perm('users.read'), summary: 'Un compte', params: idParamsSchema, response: userSchema },
  createUser: {
    method: 'POST',
    path: '/api/users',
    access: perm('users.manage'),
    summary: 'Créer un compte',
    body: createUserBodySchema,
    response: userWithTemporaryPasswordSchema,
  },
  updateUser: {
    method: 'PATCH',
    path: '/api/users/:id',
    access: perm('users.manage'),
    summary: 'Modifier un compte (nom, rôle, statut)',
    params: idParamsSchema,
    body: updateUserBodySchema,
    response: userSchema,
  },
  resetUserPassword: {
    method: 'POST',
    path: '/api/users/:id/reset-password',
    access: perm('users.manage'),
    summary: 'Réinitialiser le mot de passe d’un compte',
    params: idParamsSchema,
    response: userWithTemporaryPasswordSchema,
  },
  unlockUser: {
    method: 'POST',
    path: '/api/users/:id/unlock',
    access: perm('users.manage'),
    summary: 'Déverrouiller un compte',
    params: idParamsSchema,
    response: userSchema,
  },

  listAudit: { method: 'GET', path: '/api/audit', access: perm('audit.read'), summary: 'Journal d’audit', query: auditQuerySchema, response: auditListSchema },

  listShares: { method: 'GET', path: '/api/shares', access: perm('shares.read'), summary: 'Partages émis et reçus', response: sharesListSchema },
  createShare: {
    method: 'POST',
    path: '/api/shares',
    access: perm('shares.manage'),
    summary: 'Partager une ressource avec une autre organisation',
    body: createShareBodySchema,
    response: shareSchema,
  },
  deleteShare: { method: 'DELETE', path: '/api/shares/:id', access: perm('shares.manage'), summary: 'Retirer un partage', params: idParamsSchema },

  listAnnouncements: {
    method: 'GET',
    path: '/api/announcements',
    access: perm('announcements.read'),
    summary: 'Messages à l’organisation',
    query: announcementsQuerySchema,
    response: announcementsListSchema,
  },
  createAnnouncement: {
    method: 'POST',
    path: '/api/announcements',
    access: perm('announcements.publish'),
    summary: 'Publier un message à toute l’organisation',
    body: createAnnouncementBodySchema,
    response: announcementSchema,
  },

  getDepartment: {
    method: 'GET',
    path: '/api/territory/departments/:code',
    access: perm('territory.read'),
    summary: 'Un département et ses communes (codes INSEE, populations)',
    params: departmentCodeParamsSchema,
    response: departmentSchema,
  },
  getDepartmentOutlines: {
    method: 'GET',
    path: '/api/territory/departments/:code/communes.geojson',
    access: perm('territory.read'),
    summary: 'Contours des communes d’un département (GeoJSON, WGS 84)',
    params: departmentCodeParamsSchema,
    guest: 'read',
    produces: ['application/geo+json'],
  },

  // ---- catalogues of the main courante ----
  listEventTypes: { method: 'GET', path: '/api/event-types', access: perm('events.read'), guest: 'read', summary: 'Catalogue des types d’événement', response: catalogueListSchema },
  createEventType: { method: 'POST', path: '/api/event-types', access: perm('eventTypes.manage'), summary: 'Ajouter un type d’événement', body: createCatalogueItemBodySchema, response: catalogueItemSchema },
  updateEventType: {
    method: 'PATCH',
    path: '/api/event-types/:id',
    access: perm('eventTypes.manage'),
    summary: 'Renommer, ordonner ou archiver un type d’événement',
    params: idParamsSchema,
    body: updateCatalogueItemBodySchema,
    response: catalogueItemSchema,
  },
  listFunctions: { method: 'GET', path: '/api/functions', access: perm('events.read'), guest: 'read', summary: 'Fonctions de la cellule de crise', response: catalogueListSchema },
  createFunction: { method: 'POST', path: '/api/functions', access: perm('logbookCatalogue.manage'), summary: 'Ajouter une fonction', body: createCatalogueItemBodySchema, response: catalogueItemSchema },
  updateFunction: {
    method: 'PATCH',
    path: '/api/functions/:id',
    access: perm('logbookCatalogue.manage'),
    summary: 'Renommer, ordonner ou archiver une fonction',
    params: idParamsSchema,
    body: updateCatalogueItemBodySchema,
    response: catalogueItemSchema,
  },
  listTags: { method: 'GET', path: '/api/tags', access: perm('events.read'), guest: 'read', summary: 'Étiquettes d’action', response: catalogueListSchema },
  createTag: { method: 'POST', path: '/api/tags', access: perm('logbookCatalogue.manage'), summary: 'Ajouter une étiquette', body: createCatalogueItemBodySchema, response: catalogueItemSchema },
  updateTag: {
    method: 'PATCH',
    path: '/api/tags/:id',
    access: perm('logbookCatalogue.manage'),
    summary: 'Renommer, ordonner ou archiver une étiquette',
    params: idParamsSchema,
    body: updateCatalogueItemBodySchema,
    response: catalogueItemSchema,
  },

  // ---- events ----
  listEvents: { method: 'GET', path: '/api/events', access: perm('events.read'), summary: 'Événements visibles', query: eventsQuerySchema, response: eventsListSchema },
  createEvent: { method: 'POST', path: '/api/events', access: perm('events.manage'), summary: 'Créer un événement ou un événement fils', body: createEventBodySchema, response: eventDetailSchema },
  getEvent: { method: 'GET', path: '/api/events/:id', access: perm('events.read'), guest: 'read', summary: 'Un événement, ses parents et ses fils', params: idParamsSchema, response: eventDetailSchema },
  updateEvent: {
    method: 'PATCH',
    path: '/api/events/:id',
    access: perm('events.manage'),
    summary: 'Modifier un événement (titre, statut, gravité, dates, lieu)',
    params: idParamsSchema,
    body: updateEventBodySchema,
    response: eventDetailSchema,
  },
  closeEvent: { method: 'POST', path: '/api/events/:id/close', access: perm('events.manage'), summary: 'Clore un événement (lecture seule)', params: idParamsSchema, response: eventDetailSchema },
  reopenEvent: {
    method: 'POST',
    path: '/api/events/:id/reopen',
    access: perm('events.reopen'),
    summary: 'Rouvrir un événement clos (journalisé)',
    params: idParamsSchema,
    body: reopenEventBodySchema,
    response: eventDetailSchema,
  },

  // ---- main courante ----
  listEntries: {
    method: 'GET',
    path: '/api/events/:id/entries',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Entrées de la main courante, les plus récentes d’abord (pagination par `before`)',
    params: idParamsSchema,
    query: entriesQuerySchema,
    response: entriesPageSchema,
  },
  createEntry: {
    method: 'POST',
    path: '/api/events/:id/entries',
    access: perm('logbook.write'),
    guest: 'write',
    summary: 'Écrire une entrée, une correction ou une annulation',
    params: idParamsSchema,
    body: createEntryBodySchema,
    response: entrySchema,
  },
  getEntry: { method: 'GET', path: '/api/entries/:id', access: perm('events.read'), guest: 'read', summary: 'Une entrée', params: idParamsSchema, response: entrySchema },
  verifyEvent: {
    method: 'GET',
    path: '/api/events/:id/verify',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Vérifier la chaîne d’empreintes SHA-256 de la main courante',
    params: idParamsSchema,
    response: verifyResultSchema,
  },
  searchEntries: {
    method: 'GET',
    path: '/api/search',
    access: perm('events.read'),
    summary: 'Recherche plein texte (français) dans les mains courantes visibles',
    query: searchQuerySchema,
    response: searchResultsSchema,
  },
  uploadAttachment: {
    method: 'POST',
    path: '/api/events/:id/attachments',
    access: perm('logbook.write'),
    summary: 'Déposer une pièce jointe (photo ou PDF) avant de l’attacher à une entrée',
    params: idParamsSchema,
    multipart: true,
    response: attachmentSchema,
  },
  getAttachment: {
    method: 'GET',
    path: '/api/attachments/:id',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Télécharger une pièce jointe',
    params: idParamsSchema,
    produces: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
  },
  exportEventCsv: {
    method: 'GET',
    path: '/api/events/:id/export.csv',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Export CSV de la main courante (avec ses fils en option)',
    params: idParamsSchema,
    query: exportQuerySchema,
    produces: ['text/csv'],
  },
  exportEventPdf: {
    method: 'GET',
    path: '/api/events/:id/export.pdf',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Export PDF de la main courante pour lecture et archivage',
    params: idParamsSchema,
    query: exportQuerySchema,
    produces: ['application/pdf'],
  },

  // ---- rights, guests, situation analysis, actions ----
  getTypeAudience: {
    method: 'GET',
    path: '/api/event-types/:id/audience',
    access: perm('eventTypes.manage'),
    summary: 'Qui voit et qui écrit les événements d’un type',
    params: idParamsSchema,
    response: typeAudienceSchema,
  },
  putTypeAudience: {
    method: 'PUT',
    path: '/api/event-types/:id/audience',
    access: perm('eventTypes.manage'),
    summary: 'Ouvrir un type d’événement à toute l’organisation ou le restreindre (rôles, fonctions, personnes)',
    params: idParamsSchema,
    body: putTypeAudienceBodySchema,
    response: typeAudienceSchema,
  },
  getSituationForm: {
    method: 'GET',
    path: '/api/event-types/:id/situation-form',
    access: perm('events.read'),
    summary: 'Formulaire d’analyse de situation d’un type d’événement',
    params: idParamsSchema,
    response: situationFormSchema,
  },
  putSituationForm: {
    method: 'PUT',
    path: '/api/event-types/:id/situation-form',
    access: perm('eventTypes.manage'),
    summary: 'Définir le formulaire d’analyse de situation d’un type (champs texte, nombre, choix, date)',
    params: idParamsSchema,
    body: putSituationFormBodySchema,
    response: situationFormSchema,
  },
  getEventAudience: {
    method: 'GET',
    path: '/api/events/:id/audience',
    access: perm('events.manage'),
    summary: 'Audience d’un événement (héritée, toute l’organisation, ou liste restreinte)',
    params: idParamsSchema,
    response: eventAudienceSchema,
  },
  putEventAudience: {
    method: 'PUT',
    path: '/api/events/:id/audience',
    access: perm('events.manage'),
    summary: 'Élargir ou restreindre l’audience d’un événement (écrit dans la main courante)',
    params: idParamsSchema,
    body: putEventAudienceBodySchema,
    response: eventAudienceSchema,
  },
  listAssignees: {
    method: 'GET',
    path: '/api/events/:id/assignees',
    access: perm('logbook.write'),
    summary: 'Personnes et fonctions à qui confier une action de cet événement',
    params: idParamsSchema,
    response: assigneesSchema,
  },
  listGuestLinks: {
    method: 'GET',
    path: '/api/events/:id/guest-links',
    access: perm('events.manage'),
    summary: 'Liens d’invitation d’un événement',
    params: idParamsSchema,
    response: guestLinksListSchema,
  },
  createGuestLink: {
    method: 'POST',
    path: '/api/events/:id/guest-links',
    access: perm('events.manage'),
    summary: 'Inviter une personne extérieure par lien (lecture ou contribution, échéance) ; le lien est montré une fois',
    params: idParamsSchema,
    body: createGuestLinkBodySchema,
    response: createdGuestLinkSchema,
  },
  revokeGuestLink: {
    method: 'POST',
    path: '/api/guest-links/:id/revoke',
    access: perm('events.manage'),
    summary: 'Révoquer un lien d’invitation (les invités sont déconnectés, temps réel compris)',
    params: idParamsSchema,
    response: guestLinkSchema,
  },
  guestCheck: {
    method: 'POST',
    path: '/api/guest/check',
    access: publicAccess,
    summary: 'Vérifier un lien d’invitation (événement, organisation, échéance)',
    body: guestCheckBodySchema,
    response: guestInvitationSchema,
    rateLimitPerMinute: 20,
  },
  guestJoin: {
    method: 'POST',
    path: '/api/guest/join',
    access: publicAccess,
    summary: 'Rejoindre un événement comme invité (nom demandé, pas de compte)',
    body: guestJoinBodySchema,
    response: sessionSchema,
    rateLimitPerMinute: 10,
  },
  getSituation: {
    method: 'GET',
    path: '/api/events/:id/situation',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Analyse de situation d’un événement : formulaire et versions (la plus récente d’abord)',
    params: idParamsSchema,
    response: situationSchema,
  },
  putSituation: {
    method: 'POST',
    path: '/api/events/:id/situation',
    access: perm('logbook.write'),
    summary: 'Nouvelle version de l’analyse de situation (un changement de gravité écrit dans la main courante)',
    params: idParamsSchema,
    body: putSituationBodySchema,
    response: situationSchema,
  },
  listEventActions: {
    method: 'GET',
    path: '/api/events/:id/actions',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Actions d’un événement et de ses fils visibles',
    params: idParamsSchema,
    query: actionsQuerySchema,
    response: actionsListSchema,
  },
  listActions: {
    method: 'GET',
    path: '/api/actions',
    access: perm('events.read'),
    summary: 'Actions de tous les événements visibles (ouvertes par défaut, en retard d’abord)',
    query: actionsQuerySchema,
    response: actionsListSchema,
  },
  changeActionStatus: {
    method: 'POST',
    path: '/api/actions/:id/status',
    access: perm('logbook.write'),
    summary: 'Changer le statut d’une action (entrée dans la main courante)',
    params: idParamsSchema,
    body: changeActionStatusBodySchema,
    response: actionSchema,
  },

  // ---- event map (GIS layers of the organisation, perimeters drawn for an event) ----
  listMapLayers: {
    method: 'GET',
    path: '/api/map-layers',
    access: perm('events.read'),
    summary: 'Couches de carte : celles de l’organisation partagées par ses événements, et celles attachées aux événements visibles (ou à l’événement demandé)',
    query: mapLayersQuerySchema,
    response: mapLayersListSchema,
  },
  getMapLayer: {
    method: 'GET',
    path: '/api/map-layers/:id',
    access: perm('events.read'),
    summary: 'Une couche de carte : source, projection lue, nombre d’objets, emprise, champs, style',
    params: idParamsSchema,
    response: mapLayerSchema,
  },
  getMapLayerFeatures: {
    method: 'GET',
    path: '/api/map-layers/:id/features',
    access: perm('events.read'),
    summary: 'Objets d’une couche déposée (GeoJSON, WGS 84 ; ETag)',
    params: idParamsSchema,
    produces: ['application/geo+json'],
  },
  uploadMapLayer: {
    method: 'POST',
    path: '/api/map-layers/upload',
    access: perm('mapLayers.manage'),
    summary: 'Déposer une couche : GeoJSON ou shapefile zippé, en WGS 84, Web Mercator ou Lambert-93 (projection lue dans le fichier ou choisie), reprojetée en WGS 84 ; tout ou rien',
    query: uploadMapLayerQuerySchema,
    multipart: true,
    response: mapLayerSchema,
  },
  createRemoteMapLayer: {
    method: 'POST',
    path: '/api/map-layers',
    access: perm('mapLayers.manage'),
    summary: 'Ajouter une couche servie par le SIG (WFS ou WMS : adresse, couche, version, projection)',
    body: createRemoteMapLayerBodySchema,
    response: mapLayerSchema,
  },
  updateMapLayer: {
    method: 'PATCH',
    path: '/api/map-layers/:id',
    access: perm('mapLayers.manage'),
    summary: 'Renommer une couche ou changer son style (couleur, symbole, champ d’étiquette)',
    params: idParamsSchema,
    body: updateMapLayerBodySchema,
    response: mapLayerSchema,
  },
  getRemoteLayerFeatures: {
    method: 'GET',
    path: '/api/map-layers/:id/wfs',
    access: perm('events.read'),
    summary: 'Objets d’une couche WFS dans une emprise (WGS 84), demandés au service par le serveur et reprojetés en WGS 84',
    params: idParamsSchema,
    query: remoteFeaturesQuerySchema,
    produces: ['application/geo+json'],
  },
  getRemoteLayerImage: {
    method: 'GET',
    path: '/api/map-layers/:id/wms',
    access: perm('events.read'),
    summary: 'Une image d’une couche WMS (GetMap), demandée au service par le serveur',
    params: idParamsSchema,
    query: wmsImageQuerySchema,
    produces: ['image/png'],
  },
  deleteMapLayer: {
    method: 'DELETE',
    path: '/api/map-layers/:id',
    access: perm('mapLayers.manage'),
    summary: 'Retirer une couche (et ses objets)',
    params: idParamsSchema,
  },
  getEventMapSettings: {
    method: 'GET',
    path: '/api/events/:id/map',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Réglages de la carte d’un événement : département des contours de fond, fond de tuiles facultatif',
    params: idParamsSchema,
    response: eventMapSettingsSchema,
  },
  listPerimeters: {
    method: 'GET',
    path: '/api/events/:id/perimeters',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Périmètres tracés pour un événement (zones et lignes, WGS 84)',
    params: idParamsSchema,
    response: perimetersListSchema,
  },
  createPerimeter: {
    method: 'POST',
    path: '/api/events/:id/perimeters',
    access: perm('logbook.write'),
    summary: 'Tracer un périmètre (zone d’évacuation, fermeture de voirie…) : écrit dans la main courante',
    params: idParamsSchema,
    body: createPerimeterBodySchema,
    response: perimeterSchema,
  },
  updatePerimeter: {
    method: 'PATCH',
    path: '/api/perimeters/:id',
    access: perm('logbook.write'),
    summary: 'Modifier un périmètre (tracé, libellé, catégorie, style) : écrit dans la main courante',
    params: idParamsSchema,
    body: updatePerimeterBodySchema,
    response: perimeterSchema,
  },
  deletePerimeter: {
    method: 'DELETE',
    path: '/api/perimeters/:id',
    access: perm('logbook.write'),
    summary: 'Retirer un périmètre : écrit dans la main courante',
    params: idParamsSchema,
  },
  exportEventGeojson: {
    method: 'GET',
    path: '/api/events/:id/export.geojson',
    access: perm('events.read'),
    guest: 'read',
    summary: 'Géométries de l’événement en GeoJSON (WGS 84) : son lieu, ses périmètres, le lieu de ses fils visibles',
    params: idParamsSchema,
    produces: ['application/geo+json'],
  },

  // ---- collecte (campaigns of a prefecture, declarations of the communes) ----
  listCampaigns: {
    method: 'GET',
    path: '/api/campaigns',
    access: perm('collection.read'),
    summary: 'Campagnes de collecte visibles (celles de sa préfecture, ou celles qui interrogent sa commune)',
    response: campaignsListSchema,
  },
  createCampaign: {
    method: 'POST',
    path: '/api/campaigns',
    access: perm('campaigns.manage'),
    summary: 'Créer une campagne de collecte pour les communes de son département (préfecture)',
    body: createCampaignBodySchema,
    response: campaignDetailSchema,
  },
  getCampaign: {
    method: 'GET',
    path: '/api/campaigns/:id',
    access: perm('collection.read'),
    summary: 'Une campagne, ses indicateurs et les communes interrogées (noms, populations)',
    params: idParamsSchema,
    response: campaignDetailSchema,
  },
  updateCampaign: {
    method: 'PATCH',
    path: '/api/campaigns/:id',
    access: perm('campaigns.manage'),
    summary: 'Modifier une campagne (nom, description, heure limite, statut ; indicateurs et communes en brouillon seulement)',
    params: idParamsSchema,
    body: updateCampaignBodySchema,
    response: campaignDetailSchema,
  },
  putDeclaration: {
    method: 'PUT',
    path: '/api/campaigns/:id/declarations/:inseeCode/:date',
    access: perm('collection.declare'),
    summary: 'Déclarer ou corriger les valeurs d’une commune pour une date (idempotent ; motif exigé pour une correction)',
    params: declarationParamsSchema,
    body: putDeclarationBodySchema,
    response: declarationSchema,
  },
  listDeclarations: {
    method: 'GET',
    path: '/api/campaigns/:id/declarations',
    access: perm('collection.read'),
    summary: 'Déclarations d’une campagne sur une période (toutes les communes pour la préfecture, la sienne pour une commune)',
    params: idParamsSchema,
    query: declarationsQuerySchema,
    response: declarationsListSchema,
  },
  getDeclarationHistory: {
    method: 'GET',
    path: '/api/campaigns/:id/declarations/:inseeCode/:date/history',
    access: perm('collection.read'),
    summary: 'Une déclaration et l’historique de ses corrections (qui, quand, anciennes et nouvelles valeurs, motif)',
    params: declarationParamsSchema,
    response: declarationHistorySchema,
  },
  getCompleteness: {
    method: 'GET',
    path: '/api/campaigns/:id/completeness',
    access: perm('collection.read'),
    summary: 'Complétude d’une date : communes ayant répondu, manquantes, en retard (avec leurs contacts) — préfecture',
    params: idParamsSchema,
    query: completenessQuerySchema,
    response: completenessSchema,
  },
  getDetection: {
    method: 'GET',
    path: '/api/campaigns/:id/detection',
    access: perm('collection.read'),
    summary: 'Détection d’excès pour une commune et un indicateur (ou leur somme) : attendu, seuil, alarme, explication',
    params: idParamsSchema,
    query: detectionQuerySchema,
    response: detectionSchema,
  },
  getOverview: {
    method: 'GET',
    path: '/api/campaigns/:id/overview',
    access: perm('collection.read'),
    summary: 'Tableau de bord d’une date : par commune valeur, sommes et taux sur 7 périodes et depuis le début, niveau d’alerte et ses raisons, détection ; le département — préfecture',
    params: idParamsSchema,
    query: overviewQuerySchema,
    response: overviewSchema,
  },
  getTotals: {
    method: 'GET',
    path: '/api/campaigns/:id/totals',
    access: perm('collection.read'),
    summary: 'Totaux du département par période et par indicateur (366 jours au plus) — préfecture',
    params: idParamsSchema,
    query: totalsQuerySchema,
    response: totalsSchema,
  },
  getReportPdf: {
    method: 'GET',
    path: '/api/campaigns/:id/report.pdf',
    access: perm('collection.read'),
    summary: 'Rapport du matin en PDF : totaux, carte, nouvelles alarmes, communes en retard — préfecture',
    params: idParamsSchema,
    query: reportQuerySchema,
    produces: ['application/pdf'],
  },
  exportDeclarationsCsv: {
    method: 'GET',
    path: '/api/campaigns/:id/export.csv',
    access: perm('collection.read'),
    summary: 'Export CSV des déclarations d’une période (une ligne par commune et par date, une colonne par indicateur ; réimportable)',
    params: idParamsSchema,
    query: collectionExportQuerySchema,
    produces: ['text/csv'],
  },
  exportDeclarationsDhis2: {
    method: 'GET',
    path: '/api/campaigns/:id/export.dhis2.json',
    access: perm('collection.read'),
    summary: 'Export DHIS2 dataValueSets (élément de donnée = clé de l’indicateur, orgUnit = code INSEE, période AAAAMMJJ ou AAAAWn)',
    params: idParamsSchema,
    query: collectionExportQuerySchema,
    produces: ['application/json'],
  },
  importDeclarations: {
    method: 'POST',
    path: '/api/campaigns/:id/import',
    access: perm('campaigns.manage'),
    summary: 'Importer un CSV de déclarations (reprise d’historique) : tout ou rien, erreurs ligne par ligne',
    params: idParamsSchema,
    query: importQuerySchema,
    multipart: true,
    response: importResultSchema,
  },

  // ---- communes on board (a prefecture invites the contacts of its department's communes) ----
  importContacts: {
    method: 'POST',
    path: '/api/onboarding/contacts',
    access: perm('communes.onboard'),
    summary: 'Importer un CSV de contacts des communes : un compte par contact et un lien d’activation à usage unique (tout ou rien)',
    multipart: true,
    response: contactsImportResultSchema,
  },
  listContacts: {
    method: 'GET',
    path: '/api/onboarding/contacts',
    access: perm('communes.onboard'),
    summary: 'Contacts des communes invités par la préfecture, avec l’état de leur activation',
    response: contactsListSchema,
  },
  renewContactLink: {
    method: 'POST',
    path: '/api/onboarding/contacts/:id/link',
    access: perm('communes.onboard'),
    summary: 'Nouveau lien d’activation pour un contact (l’ancien cesse de fonctionner)',
    params: idParamsSchema,
    response: renewLinkResultSchema,
  },
  checkActivation: {
    method: 'POST',
    path: '/api/activation/check',
    access: publicAccess,
    summary: 'Vérifier un lien d’activation (compte, commune, échéance)',
    body: activationCheckBodySchema,
    response: activationInfoSchema,
    rateLimitPerMinute: 30,
  },
  activateAccount: {
    method: 'POST',
    path: '/api/activation',
    access: publicAccess,
    summary: 'Activer son compte avec un lien d’activation et choisir son mot de passe (ouvre la session)',
    body: activateBodySchema,
    response: sessionSchema,
    rateLimitPerMinute: 10,
  },
} as const satisfies Record<string, RouteDef>;

export type RouteId = keyof typeof routes;
export const routeIds = Object.keys(routes) as RouteId[];

/** The WebSocket endpoint; its subscriptions are checked per topic (see ./realtime.ts). */
export const REALTIME_PATH = '/api/realtime';

export function buildPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
}
