// Stable error codes for programs, French messages for people. Every API error body is
// `{ error: { code, message, details? } }` with `code` from this table.

export const errorMessages = {
  invalid_json: 'Le corps de la requête n’est pas un JSON valide.',
  invalid_encoding: 'Le corps de la requête n’est pas encodé en UTF-8 valide.',
  unsupported_media_type: 'Type de contenu non pris en charge : envoyez du JSON (application/json).',
  body_too_large: 'La requête est trop volumineuse.',
  validation_failed: 'Certaines valeurs envoyées sont invalides.',
  unauthenticated: 'Vous devez vous connecter.',
  session_expired: 'Votre session a expiré : reconnectez-vous.',
  csrf_failed: 'Requête refusée : jeton anti-falsification (CSRF) absent ou invalide. Rechargez la page.',
  forbidden: 'Vous n’avez pas les droits pour cette action.',
  password_change_required: 'Vous devez d’abord choisir un nouveau mot de passe.',
  not_found: 'Ressource introuvable.',
  route_not_found: 'Adresse d’API inconnue.',
  method_not_allowed: 'Méthode non autorisée pour cette adresse.',
  invalid_credentials: 'Adresse e-mail ou mot de passe incorrect.',
  account_locked: 'Compte temporairement verrouillé après trop de tentatives. Réessayez plus tard ou contactez votre administrateur.',
  account_disabled: 'Ce compte est désactivé. Contactez votre administrateur.',
  too_many_attempts: 'Trop de tentatives depuis cette adresse. Réessayez dans quelques minutes.',
  wrong_current_password: 'Le mot de passe actuel est incorrect.',
  weak_password: 'Le mot de passe doit contenir au moins 12 caractères.',
  password_reused: 'Le nouveau mot de passe doit être différent de l’actuel.',
  email_taken: 'Un compte existe déjà avec cette adresse e-mail.',
  last_admin: 'Impossible : l’organisation doit garder au moins un administrateur actif.',
  self_change_forbidden: 'Vous ne pouvez pas modifier votre propre rôle ni désactiver votre propre compte.',
  share_invalid: 'Partage impossible : l’organisation destinataire doit être une autre organisation.',
  share_exists: 'Ce partage existe déjà.',
  topic_invalid: 'Sujet de temps réel inconnu.',
  rate_limited: 'Trop de requêtes. Réessayez dans quelques instants.',
  internal_error: 'Erreur interne du serveur. L’incident a été journalisé.',
  unavailable: 'Service momentanément indisponible.',
} as const;

export type ErrorCode = keyof typeof errorMessages;

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export const errorStatus: Record<ErrorCode, number> = {
  invalid_json: 400,
  invalid_encoding: 400,
  unsupported_media_type: 415,
  body_too_large: 413,
  validation_failed: 400,
  unauthenticated: 401,
  session_expired: 401,
  csrf_failed: 403,
  forbidden: 403,
  password_change_required: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  invalid_credentials: 401,
  account_locked: 423,
  account_disabled: 403,
  too_many_attempts: 429,
  wrong_current_password: 400,
  weak_password: 400,
  password_reused: 400,
  email_taken: 409,
  last_admin: 409,
  self_change_forbidden: 409,
  share_invalid: 400,
  share_exists: 409,
  topic_invalid: 400,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
};
