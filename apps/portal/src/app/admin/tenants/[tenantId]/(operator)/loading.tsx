import { LoadingCards } from '../../../../../components/ui.component.tsx';

// Below (operator)/layout.tsx on purpose, for the same reason as (managed)/loading.tsx.
export default function Loading() {
  return <LoadingCards />;
}
