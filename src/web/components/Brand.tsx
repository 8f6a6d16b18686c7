import { t } from '../i18n';

/** Logo mark + name. The mark is an inline SVG (a stylised lookout / beacon). */
export function Brand({ compact = false }: { compact?: boolean }) {
  return (
    <span className={`brand${compact ? ' brand--compact' : ''}`}>
      <svg className="brand__mark" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="6" fill="#000091" />
        <path d="M16 6 25 24H7z" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinejoin="round" />
        <circle cx="16" cy="18" r="2.6" fill="#e1000f" />
      </svg>
      <span className="brand__name">{t('app.name')}</span>
    </span>
  );
}
