export { authHandlers } from './auth.routes';
export { authenticate, isSessionLive, presentSession, SESSION_COOKIE } from './auth.service';
export { hashPassword, verifyPassword, generateTemporaryPassword } from './password';
export { accountKey, lockedEmails, clearThrottle, deleteUserSessions } from './auth.repository';
