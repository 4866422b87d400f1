'use client';
export { RouteError as default } from '../../../components/route-error.component.tsx';
