import type { UserRow } from '../../db/schema';
import type { User } from '../../../shared/schemas/users';

export function presentUser(u: UserRow, locked: boolean, functionIds: string[] = []): User {
  return {
    id: u.id,
    organisationId: u.organisation_id,
    email: u.email,
    displayName: u.display_name,
    role: u.role,
    status: u.status,
    mustChangePassword: u.must_change_password,
    locked,
    lastLoginAt: u.last_login_at ? u.last_login_at.toISOString() : null,
    createdAt: u.created_at.toISOString(),
    functionIds,
  };
}
