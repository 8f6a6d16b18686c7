export { onboardingHandlers } from './onboarding.routes';
export { communeOrganisationName } from './onboarding.service';
