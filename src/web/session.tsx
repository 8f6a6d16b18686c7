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

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; notice: LogoutNotice | null }
  | { status: 'authenticated'; session: SessionInfo };

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

  const setSession = useCallback((session: SessionInfo) => {
    leaving.current = false;
    setCsrfToken(session.csrfToken);
    setState({ status: 'authenticated', session });
  }, []);

  const ended = useCallback((notice: LogoutNotice | null) => {
    setCsrfToken(null);
    setState({ status: 'anonymous', notice });
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
        if (!cancelled) setState({ status: 'anonymous', notice: null });
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
