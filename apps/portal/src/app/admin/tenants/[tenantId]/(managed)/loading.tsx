import { LoadingCards } from '../../../../../components/ui.component.tsx';

// Below the tenant layout on purpose: a loading boundary above it would start the response (status 200) before the
// layout decides that this user may not administer the tenant, and its not-found would then come with a 200. The
// (operator) group has its own, below the layout that keeps it to platform admins.
export default function Loading() {
  return <LoadingCards />;
}
