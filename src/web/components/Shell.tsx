import { useQueueRunner } from '../pages/collecte/offlineQueue';
import { useEffect, useId, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { organisationKindLabels, roleLabels } from '../../shared';
import { t } from '../i18n';
import { registerNav, visibleNav, type NavSection } from '../navigation';
import { useSession, useSessionContext } from '../session';
import { Brand } from './Brand';
import { Icon } from './Icon';
import { RealtimeIndicator } from './RealtimeIndicator';

// Plan communal de sauvegarde: every member of the organisation (guests have their own frame).
registerNav({ path: '/plan', label: 'plan.nav', icon: 'shield', permission: 'events.read', section: 'main', order: 10 });

const sectionLabels: Record<NavSection, 'nav.section.main' | 'nav.section.admin'> = {
  main: 'nav.section.main',
  admin: 'nav.section.admin',
};

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length >= 2 ? parts[0][0] + parts[parts.length - 1][0] : name.slice(0, 2);
  return letters.toUpperCase();
}

function NavList({ onNavigate }: { onNavigate?: () => void }) {
  const session = useSession();
  const groups = visibleNav(session.permissions, session.organisation.kind);
  return (
    <>
      {groups.map((g) => (
        <div className="nav__group" key={g.section} data-section={g.section}>
          <h2 className="nav__heading" id={`nav-${g.section}`}>
            {t(sectionLabels[g.section])}
          </h2>
          <ul className="nav__list" aria-labelledby={`nav-${g.section}`}>
            {g.entries.map((e) => (
              <li key={e.path}>
                <NavLink to={e.path} end={e.end} className="nav__link" onClick={onNavigate}>
                  {e.icon ? <Icon name={e.icon} /> : null}
                  <span>{t(e.label)}</span>
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </>
  );
}

function UserMenu() {
  const session = useSession();
  const { logout } = useSessionContext();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu__button"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={t('app.userMenu', { name: session.user.displayName })}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(session.user.displayName)}
        </span>
        <span className="user-menu__name">
          <span className="user-menu__display">{session.user.displayName}</span>
          <span className="user-menu__role">{roleLabels[session.user.role]}</span>
        </span>
        <Icon name="chevron" size={16} className="user-menu__chevron" />
      </button>
      <div id={menuId} className="user-menu__panel" hidden={!open}>
        <p className="user-menu__email">{session.user.email}</p>
        <ul>
          <li>
            <NavLink to="/mon-compte" className="user-menu__item" onClick={() => setOpen(false)}>
              <Icon name="account" />
              {t('nav.account')}
            </NavLink>
          </li>
          <li>
            <button type="button" className="user-menu__item" onClick={() => void logout()}>
              <Icon name="logout" />
              {t('nav.logout')}
            </button>
          </li>
        </ul>
      </div>
    </div>
  );
}

export function Shell() {
  const session = useSession();
  const { logout } = useSessionContext();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  // Declarations typed without network leave the device as soon as it is back.
  useQueueRunner(session.permissions.includes('collection.declare') ? session.user.id : null);

  // Close the phone menu and move focus to the content on navigation.
  useEffect(() => {
    setMenuOpen(false);
  }, [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#contenu">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="topbar__start">
          <button
            type="button"
            className="icon-button topbar__menu"
            aria-expanded={menuOpen}
            aria-controls="phone-nav"
            aria-label={menuOpen ? t('app.closeMenu') : t('app.menu')}
            onClick={() => setMenuOpen((o) => !o)}
          >
            <Icon name={menuOpen ? 'close' : 'menu'} />
            <span className="topbar__menu-label" aria-hidden="true">
              {menuOpen ? t('action.close') : t('app.menu')}
            </span>
          </button>
          <NavLink to="/" className="topbar__brand" aria-label={`${t('app.name')} — ${t('nav.home')}`}>
            <Brand />
          </NavLink>
          <div className="topbar__org" data-testid="organisation">
            <span className="topbar__org-name">{session.organisation.name}</span>
            <span className="topbar__org-kind">{organisationKindLabels[session.organisation.kind]}</span>
          </div>
        </div>
        <div className="topbar__end">
          <RealtimeIndicator compact />
          <UserMenu />
        </div>
      </header>

      <nav id="phone-nav" className="phone-nav" hidden={!menuOpen} aria-label={t('app.mainNav')}>
        <NavList onNavigate={() => setMenuOpen(false)} />
        <div className="nav__group">
          <ul className="nav__list">
            <li>
              <NavLink to="/mon-compte" className="nav__link" onClick={() => setMenuOpen(false)}>
                <Icon name="account" />
                <span>{t('nav.account')}</span>
              </NavLink>
            </li>
            <li>
              <button type="button" className="nav__link" onClick={() => void logout()}>
                <Icon name="logout" />
                <span>{t('nav.logout')}</span>
              </button>
            </li>
          </ul>
        </div>
      </nav>

      <div className="shell__body">
        <nav className="sidebar" aria-label={t('app.mainNav')}>
          <NavList />
        </nav>
        <main id="contenu" className="content" ref={mainRef} tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
