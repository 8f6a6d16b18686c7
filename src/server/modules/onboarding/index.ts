export { onboardingHandlers } from './onboarding.routes';
