/** What a server action reports back to its form. */
export interface ActionResult {
  error: string | null;
  done: string | null;
  details?: Array<{ label: string; text: string; hint?: string }>;
  /** Input name → what is wrong with it, shown beside that input. */
  fieldErrors?: Record<string, string>;
  /**
   * What was submitted (secrets left out), so a refused form comes back filled in: React resets uncontrolled
   * inputs to their defaults after every action.
   */
  values?: Record<string, string>;
}
