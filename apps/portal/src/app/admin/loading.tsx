import { LoadingCards } from '../../components/ui.component.tsx';

export default function Loading() {
  return <LoadingCards />;
}
