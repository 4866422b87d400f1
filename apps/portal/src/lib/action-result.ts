/** What a server action reports back to its form. */
export interface ActionResult {
  error: string | null;
  done: string | null;
  details?: Array<{ label: string; text: string; hint?: string }>;
}
