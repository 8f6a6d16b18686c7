import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { Permission } from '../shared';
import { Shell } from './components/Shell';
import { t } from './i18n';
import { AccountPage } from './pages/Account';
import { EventPage } from './pages/events/EventPage';
import { EventsListPage } from './pages/events/EventsList';
import { SearchPage } from './pages/Search';
import { ActionsPage } from './pages/actions/ActionsPage';
import { ActivationPage } from './pages/Activation';
import { GuestShell } from './components/rights/GuestShell';
import { GuestEndedPage } from './pages/GuestEnded';
import { InvitePage } from './pages/Invite';
import { AccessDeniedPage, NotFoundPage } from './pages/Errors';
import { ForcePasswordChangePage } from './pages/ForcePasswordChange';
import { HomePage } from './pages/Home';
import { LoginPage } from './pages/Login';
import { SessionProvider, useSessionContext } from './session';

// The collection and administration pages (charts, maps, big tables) load when first opened: the
// main courante, what most people open on a phone, does not wait for them.
const AuditPage = lazy(() => import('./pages/admin/Audit').then((m) => ({ default: m.AuditPage })));
const CataloguesPage = lazy(() => import('./pages/admin/Catalogues').then((m) => ({ default: m.CataloguesPage })));
const CampaignPage = lazy(() => import('./pages/collecte/Collecte').then((m) => ({ default: m.CampaignPage })));
const CampaignsPage = lazy(() => import('./pages/collecte/Collecte').then((m) => ({ default: m.CampaignsPage })));
const CampaignFormPage = lazy(() => import('./pages/collecte/CampaignForm').then((m) => ({ default: m.CampaignFormPage })));
const ContactsPage = lazy(() => import('./pages/collecte/Contacts').then((m) => ({ default: m.ContactsPage })));
const ReportPage = lazy(() => import('./pages/collecte/Report').then((m) => ({ default: m.ReportPage })));
const VisioPage = lazy(() => import('./pages/visio/VisioPage').then((m) => ({ default: m.VisioPage })));
const PlanPage = lazy(() => import('./pages/plan/PlanPage').then((m) => ({ default: m.PlanPage })));
const MapLayersPage = lazy(() => import('./pages/admin/MapLayers').then((m) => ({ default: m.MapLayersPage })));
const RightsPage = lazy(() => import('./pages/admin/Rights').then((m) => ({ default: m.RightsPage })));
const SharesPage = lazy(() => import('./pages/admin/Shares').then((m) => ({ default: m.SharesPage })));
const UsersPage = lazy(() => import('./pages/admin/Users').then((m) => ({ default: m.UsersPage })));

function Loading() {
  return (
    <div className="loading-screen" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t('app.loading')}
    </div>
  );
}

/** Signed-in area: login redirect, forced password change, then the shell. */
function Authenticated() {
  const { state } = useSessionContext();
  const location = useLocation();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous') {
    // A guest's access ended (link revoked or expired) or the guest left: say so in place.
    if (state.guestEnded) return <GuestEndedPage ended={state.guestEnded} />;
    const from = location.pathname + location.search;
    return <Navigate to="/connexion" replace state={from !== '/' ? { from } : null} />;
  }
  if (state.session.user.mustChangePassword) return <ForcePasswordChangePage />;
  // A guest invited by link: reduced frame, the invitation's event only.
  if (state.session.guest) return <GuestShell />;
  return <Shell />;
}

function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { state } = useSessionContext();
  if (state.status !== 'authenticated') return null;
  return state.session.permissions.includes(permission) ? <Suspense fallback={<Loading />}>{children}</Suspense> : <AccessDeniedPage />;
}

/** The guest invitation page waits for the session check (a signed-in member is warned before joining). */
function InviteRoute() {
  const { state } = useSessionContext();
  if (state.status === 'loading') return <Loading />;
  return <InvitePage />;
}

/** The activation page waits for the session check, then shows whoever is signed in the link's account form. */
function ActivationRoute() {
  const { state } = useSessionContext();
  if (state.status === 'loading') return <Loading />;
  return <ActivationPage />;
}

function LoginRoute() {
  const { state } = useSessionContext();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'authenticated') return <Navigate to="/" replace />;
  return <LoginPage />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/connexion" element={<LoginRoute />} />
      <Route path="/activation" element={<ActivationRoute />} />
      <Route path="/invite" element={<InviteRoute />} />
      <Route element={<Authenticated />}>
        <Route index element={<HomePage />} />
        <Route path="mon-compte" element={<AccountPage />} />
        <Route
          path="evenements"
          element={
            <RequirePermission permission="events.read">
              <EventsListPage />
            </RequirePermission>
          }
        />
        <Route
          path="evenements/:id"
          element={
            <RequirePermission permission="events.read">
              <EventPage />
            </RequirePermission>
          }
        />
        <Route
          path="evenements/:id/salle"
          element={
            <RequirePermission permission="events.read">
              <VisioPage />
            </RequirePermission>
          }
        />
        <Route
          path="actions"
          element={
            <RequirePermission permission="events.read">
              <ActionsPage />
            </RequirePermission>
          }
        />
        <Route
          path="recherche"
          element={
            <RequirePermission permission="events.read">
              <SearchPage />
            </RequirePermission>
          }
        />
        <Route
          path="plan"
          element={
            <RequirePermission permission="events.read">
              <PlanPage />
            </RequirePermission>
          }
        />
        <Route
          path="collecte"
          element={
            <RequirePermission permission="collection.read">
              <CampaignsPage />
            </RequirePermission>
          }
        />
        <Route
          path="collecte/nouvelle"
          element={
            <RequirePermission permission="campaigns.manage">
              <CampaignFormPage />
            </RequirePermission>
          }
        />
        <Route
          path="collecte/communes"
          element={
            <RequirePermission permission="communes.onboard">
              <ContactsPage />
            </RequirePermission>
          }
        />
        <Route
          path="collecte/:campaignId"
          element={
            <RequirePermission permission="collection.read">
              <CampaignPage />
            </RequirePermission>
          }
        />
        <Route
          path="collecte/:campaignId/parametres"
          element={
            <RequirePermission permission="campaigns.manage">
              <CampaignFormPage />
            </RequirePermission>
          }
        />
        <Route
          path="collecte/:campaignId/rapport"
          element={
            <RequirePermission permission="collection.read">
              <ReportPage />
            </RequirePermission>
          }
        />
        <Route path="administration">
          <Route index element={<Navigate to="/administration/utilisateurs" replace />} />
          <Route
            path="utilisateurs"
            element={
              <RequirePermission permission="users.read">
                <UsersPage />
              </RequirePermission>
            }
          />
          <Route
            path="journal"
            element={
              <RequirePermission permission="audit.read">
                <AuditPage />
              </RequirePermission>
            }
          />
          <Route
            path="catalogues"
            element={
              <RequirePermission permission="logbookCatalogue.manage">
                <CataloguesPage />
              </RequirePermission>
            }
          />
          <Route
            path="droits"
            element={
              <RequirePermission permission="eventTypes.manage">
                <RightsPage />
              </RequirePermission>
            }
          />
          <Route
            path="couches"
            element={
              <RequirePermission permission="mapLayers.manage">
                <MapLayersPage />
              </RequirePermission>
            }
          />
          <Route
            path="partages"
            element={
              <RequirePermission permission="shares.read">
                <SharesPage />
              </RequirePermission>
            }
          />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <AppRoutes />
      </SessionProvider>
    </BrowserRouter>
  );
}
