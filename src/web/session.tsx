import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Permission, SessionInfo } from '../shared';
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from './api/client';
import { RealtimeClient, RealtimeProvider } from './api/realtime';
import type { MessageKey } from './i18n';

/** Why the user is on the login page (shown there as a notice). */
export type LogoutNotice = Extract<
  MessageKey,
  'login.sessionEnded' | 'login.loggedOut' | 'login.loggedOutEverywhere' | 'login.sessionExpired' | `login.ended.${string}`
>;

const endedNotices: Record<string, LogoutNotice> = {
  account_disabled: 'login.ended.account_disabled',
  role_changed: 'login.ended.role_changed',
  password_reset: 'login.ended.password_reset',
  password_changed: 'login.ended.password_changed',
  logout_all: 'login.ended.logout_all',
};

/** Notice shown on the login page for the `reason` of a realtime `session.ended` frame. */
export function noticeForReason(reason: string): LogoutNotice {
  return endedNotices[reason] ?? 'login.sessionEnded';
}

/** A guest's access that ended (link revoked or expired) or that the guest left: shown instead of the login page. */
export interface GuestEnded {
  eventTitle: string;
  hostOrganisation: string;
  reason: 'revoked' | 'ended' | 'left';
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; notice: LogoutNotice | null; guestEnded?: GuestEnded | null }
  | { status: 'authenticated'; session: SessionInfo };

/** Kept while a guest's session is open in the tab, to explain a reload after the link ended. */
const GUEST_STORAGE_KEY = 'vigie.guest';

function rememberGuest(session: SessionInfo | null): void {
  try {
    if (session?.guest) sessionStorage.setItem(GUEST_STORAGE_KEY, JSON.stringify({ eventTitle: session.guest.eventTitle, hostOrganisation: session.guest.hostOrganisation }));
    else sessionStorage.removeItem(GUEST_STORAGE_KEY);
  } catch {
    // No storage (private mode): the explanation after a reload is lost, nothing else.
  }
}

function rememberedGuest(): Omit<GuestEnded, 'reason'> | null {
  try {
    const raw = sessionStorage.getItem(GUEST_STORAGE_KEY);
    const v = raw ? (JSON.parse(raw) as unknown) : null;
    if (v && typeof v === 'object' && 'eventTitle' in v && 'hostOrganisation' in v) return { eventTitle: String(v.eventTitle), hostOrganisation: String(v.hostOrganisation) };
  } catch {
    // ignore
  }
  return null;
}

interface SessionContextValue {
  state: SessionState;
  /** Set after login / password change (new CSRF token). */
  setSession: (session: SessionInfo) => void;
  /** Re-read the session from the server (role change...). */
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
  logoutAll: () => Promise<void>;
  /** The server ended the session (expired, revoked, account disabled). */
  ended: (notice: LogoutNotice | null) => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const stateRef = useRef(state);
  stateRef.current = state;
  /** Set while the user signs out on purpose: the realtime "session ended" is then expected. */
  const leaving = useRef(false);
  /** Reason of the last realtime `session.ended` frame (a guest's revoked link is told apart). */
  const endReason = useRef<string | null>(null);

  const setSession = useCallback((session: SessionInfo) => {
    leaving.current = false;
    setCsrfToken(session.csrfToken);
    rememberGuest(session);
    setState({ status: 'authenticated', session });
  }, []);

  const ended = useCallback((notice: LogoutNotice | null) => {
    setCsrfToken(null);
    const prev = stateRef.current;
    const guest = prev.status === 'authenticated' ? prev.session.guest : null;
    const reason: GuestEnded['reason'] = leaving.current ? 'left' : endReason.current === 'guest_link_revoked' ? 'revoked' : 'ended';
    endReason.current = null;
    rememberGuest(null);
    setState({ status: 'anonymous', notice, guestEnded: guest ? { eventTitle: guest.eventTitle, hostOrganisation: guest.hostOrganisation, reason } : null });
  }, []);

  /** Re-reads the session; returns whether the user is still signed in. */
  const check = useCallback(async (notice?: LogoutNotice): Promise<boolean> => {
    try {
      const s = await api('session');
      setSession(s);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        if (leaving.current) return false;
        if (stateRef.current.status === 'authenticated')
          ended(notice ?? (e.code === 'session_expired' ? 'login.sessionExpired' : 'login.sessionEnded'));
        else if (stateRef.current.status === 'loading') ended(null);
        return false;
      }
      throw e;
    }
  }, [ended, setSession]);

  useEffect(() => {
    let cancelled = false;
    api('session')
      .then((s) => {
        if (!cancelled) setSession(s);
      })
      .catch(() => {
        if (cancelled) return;
        // A guest's tab reloaded after the link ended: say so rather than show a login form.
        const guest = rememberedGuest();
        rememberGuest(null);
        setState({ status: 'anonymous', notice: null, guestEnded: guest ? { ...guest, reason: 'ended' } : null });
      });
    return () => {
      cancelled = true;
    };
  }, [setSession]);

  useEffect(() => {
    setUnauthenticatedHandler((code) => {
      if (code === 'password_change_required') {
        void check().catch(() => undefined);
        return;
      }
      if (stateRef.current.status === 'authenticated' && !leaving.current) ended(code === 'session_expired' ? 'login.sessionExpired' : 'login.sessionEnded');
    });
    return () => setUnauthenticatedHandler(null);
  }, [ended, check]);

  const refresh = useCallback(async () => {
    await check().catch(() => undefined);
  }, [check]);

  const logout = useCallback(async () => {
    leaving.current = true;
    try {
      await api('logout');
    } catch {
      // Already signed out on the server: nothing else to do.
    }
    ended('login.loggedOut');
  }, [ended]);

  const logoutAll = useCallback(async () => {
    leaving.current = true;
    try {
      await api('logoutAll');
    } catch (e) {
      leaving.current = false;
      throw e;
    }
    ended('login.loggedOutEverywhere');
  }, [ended]);

  // One realtime connection per signed-in session (and none while a password must be chosen).
  const session = state.status === 'authenticated' ? state.session : null;
  const realtimeKey = session && !session.user.mustChangePassword ? session.user.id : null;
  const [realtime, setRealtime] = useState<RealtimeClient | null>(null);
  useEffect(() => {
    if (!realtimeKey) {
      setRealtime(null);
      return;
    }
    const client: RealtimeClient = new RealtimeClient({
      onSessionEnded: (reason) => {
        endReason.current = reason;
        // A password change rotates the session: the old one "ends" while the cookie already
        // holds the new one. Ask the server before sending the user to the login page.
        check(noticeForReason(reason))
          .then((ok) => {
            if (ok) {
              client.start();
            }
          })
          .catch(() => {
            // Server unreachable: keep trying; the reconnection checks the session again.
            if (!leaving.current) client.start();
          });
      },
      beforeReconnect: () => check().catch(() => true),
    });
    client.start();
    setRealtime(client);
    return () => client.stop();
  }, [realtimeKey, check, ended]);

  const value = useMemo<SessionContextValue>(
    () => ({ state, setSession, refresh, logout, logoutAll, ended }),
    [state, setSession, refresh, logout, logoutAll, ended],
  );

  return (
    <SessionContext.Provider value={value}>
      <RealtimeProvider client={realtime}>{children}</RealtimeProvider>
    </SessionContext.Provider>
  );
}

export function useSessionContext(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('SessionProvider manquant');
  return ctx;
}

/** The signed-in session (only inside authenticated screens). */
export function useSession(): SessionInfo {
  const { state } = useSessionContext();
  if (state.status !== 'authenticated') throw new Error('session absente');
  return state.session;
}

export function useCan(): (permission: Permission) => boolean {
  const session = useSession();
  return (permission) => session.permissions.includes(permission);
}
