export { authHandlers, setSessionCookie } from './auth.routes';
export { authenticate, insertGuestSession, isSessionLive, openSession, presentSession, SESSION_COOKIE, type LoginResult } from './auth.service';
export { hashPassword, verifyPassword, generateTemporaryPassword } from './password';
export { accountKey, lockedEmails, clearThrottle, deleteUserSessions } from './auth.repository';
